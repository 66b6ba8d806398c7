# What the Makefile's deploy targets need for Kubernetes (the Makefile includes it).
DEPLOY := sh deploy/kubernetes/deploy.sh
NEEDS_DEPLOY_TOOL = @command -v kubectl >/dev/null 2>&1 || { \
	echo "make $@ needs kubectl (with its built-in kustomize): install kubectl and point KUBECONFIG at the cluster" >&2; exit 127; }
