# What the Makefile's deploy targets need for Docker Compose (the Makefile includes it).
DEPLOY := sh deploy/compose/deploy.sh
NEEDS_DEPLOY_TOOL = @docker compose version >/dev/null 2>&1 || { \
	echo "make $@ needs Docker with the Compose plugin (docker compose): install Docker and its docker-compose-plugin" >&2; exit 127; }
