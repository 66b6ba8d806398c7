"""The generated CI, container and deploy files pass real validators, for every combination.

Each option combination is rendered once per session (copier, from the clean
snapshot of the working tree), then checked offline: actionlint and zizmor on
GitHub workflows, check-jsonschema's vendored schemas on GitLab CI, Dependabot and
Compose files, yamllint on all YAML, hadolint on the Dockerfile, shellcheck on the
deploy scripts, and kubernetes-validate on the kustomize overlays as rendered by
the deploy script itself (kubectl's built-in kustomize). The versions are pinned
in pyproject.toml.
"""

import ipaddress
import os
import re
import shlex
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from tests.e2e.conftest import DEFAULT_ANSWERS, combination_id, option_combinations

BIN_DIR = Path(sys.executable).parent
# Kubernetes' schemas the manifests are checked against: the oldest minor still
# supported on the major managed platforms, so the manifests use only APIs it has.
KUBERNETES_VERSION = "1.33.0"
IMAGE = "ghcr.io/acme/my-app:0123456789abcdef"
ENVIRONMENTS = ("staging", "production")
YAMLLINT_CONFIG = """
extends: default
rules:
  document-start: disable
  line-length: {max: 120}
  # `on:` in workflows; GitHub's `uses: x@sha # vX` puts one space before comments.
  truthy: {check-keys: false}
  comments: {min-spaces-from-content: 1}
"""

# Payments changes the app only (test_payments_changes_nothing_checked_here), so these
# files are checked for every other combination, with payments at its default.
COMBINATIONS = [
    answers
    for answers in option_combinations()
    if answers["payments"] == DEFAULT_ANSWERS["payments"]
]
GITHUB = [c for c in COMBINATIONS if c["ci_provider"] == "github"]
GITLAB = [c for c in COMBINATIONS if c["ci_provider"] == "gitlab"]
COMPOSE = [c for c in COMBINATIONS if c["deploy_target"] == "compose"]
KUBERNETES = [c for c in COMBINATIONS if c["deploy_target"] == "kubernetes"]


def tool_env(extra_path: Path | None = None) -> dict[str, str]:
    """The environment validators run in: this venv's tools first on PATH."""
    path = [str(BIN_DIR), os.environ.get("PATH", "")]
    if extra_path is not None:
        path.insert(0, str(extra_path))
    return {**os.environ, "PATH": os.pathsep.join(path)}


def run(
    command: Sequence[object],
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a validator; on failure, fail the test with its output."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env or tool_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"`{shlex.join(str(part) for part in command)}` exited {result.returncode}\n"
            f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}",
            pytrace=False,
        )
    return result


@pytest.fixture(scope="session")
def render(
    template_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[dict[str, str]], Path]:
    """Render a combination on first use; the same project for every later test."""
    projects: dict[str, Path] = {}

    def rendered(answers: dict[str, str]) -> Path:
        key = combination_id(answers)
        if key not in projects:
            destination = tmp_path_factory.mktemp("validators") / "my-app"
            copier.run_copy(
                str(template_repo), destination, data=answers, defaults=True, quiet=True
            )
            projects[key] = destination
        return projects[key]

    return rendered


def parametrize(combinations: list[dict[str, str]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("answers", combinations, ids=combination_id)


def files(project: Path) -> set[str]:
    return {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}


def yaml_files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*") if p.suffix in {".yml", ".yaml"})


# --- What is generated for which answer -------------------------------------------------


def test_payments_changes_nothing_checked_here(
    render: Callable[[dict[str, str]], Path],
) -> None:
    """Every file either payments answer changes is the app's own (code, tests,
    migrations, dependencies, docs), none of the CI, container or deploy files
    validated below."""
    projects = [render({**COMBINATIONS[0], "payments": choice}) for choice in ("stripe", "none")]
    names = files(projects[0]) | files(projects[1])
    differing = {
        name
        for name in names
        if not all((project / name).is_file() for project in projects)
        or (projects[0] / name).read_bytes() != (projects[1] / name).read_bytes()
    }
    # frontend/: the client generated from the API, and the pages that use it.
    app: tuple[str, ...] = ("src/", "tests/", "migrations/", "pyproject.toml", "uv.lock")
    app += ("README.md", "docs/", "frontend/")
    # The answers file records the answer; yamllint reads it, and it stays valid YAML.
    assert {name for name in differing if not name.startswith(app)} == {".copier-answers.yml"}
    assert not [name for name in differing if name.startswith("docs/deploy")]


@parametrize(COMBINATIONS)
def test_conditional_files_exist_only_for_their_option(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    generated = files(render(answers))
    always = {"Dockerfile", ".hadolint.yaml", ".dockerignore", "docker-compose.yml"}
    always |= {"docs/deploy.md"}
    github = {".github/workflows/ci.yml", ".github/workflows/deploy.yml"}
    github |= {".github/dependabot.yml"}
    gitlab = {".gitlab-ci.yml"}
    compose = {"deploy/compose/production.yml", "deploy/compose/staging.yml"}
    compose |= {"deploy/compose/deploy.sh"}
    kubernetes = {"deploy/kubernetes/deploy.sh", "deploy/kubernetes/base/kustomization.yaml"}
    kubernetes |= {"deploy/kubernetes/base/worker-deployment.yaml"}
    kubernetes |= {f"deploy/kubernetes/overlays/{env}/kustomization.yaml" for env in ENVIRONMENTS}

    assert always <= generated
    on_github, on_compose = (
        answers["ci_provider"] == "github",
        answers["deploy_target"] == "compose",
    )
    assert (github <= generated) is on_github
    assert not {f for f in generated if f.startswith(".github/")} or on_github
    assert (gitlab <= generated) is not on_github
    assert (compose <= generated) is on_compose
    assert not {f for f in generated if f.startswith("deploy/compose/")} or on_compose
    assert (kubernetes <= generated) is not on_compose
    assert not {f for f in generated if f.startswith("deploy/kubernetes/")} or not on_compose


@parametrize(COMBINATIONS)
def test_deploy_scripts_are_executable(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    script = render(answers) / "deploy" / answers["deploy_target"] / "deploy.sh"
    assert os.access(script, os.X_OK)


# --- Syntax and schema ------------------------------------------------------------------


@parametrize(COMBINATIONS)
def test_all_yaml_passes_yamllint(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    project = render(answers)
    run(["yamllint", "--strict", "-d", YAMLLINT_CONFIG, *yaml_files(project)], project)


@parametrize(GITHUB)
def test_github_workflows_pass_actionlint_zizmor_and_schemas(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    project = render(answers)
    workflows = sorted((project / ".github" / "workflows").glob("*.yml"))
    # shellcheck is on PATH, so actionlint also checks every `run:` script.
    run(["actionlint", *workflows], project)
    run(["zizmor", "--offline", "--no-progress", ".github"], project)
    run(["check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows], project)
    run(
        ["check-jsonschema", "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml"],
        project,
    )


@parametrize(GITLAB)
def test_gitlab_ci_matches_gitlabs_schema(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    project = render(answers)
    run(["check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml"], project)


@pytest.mark.parametrize(
    "answers",
    [c for c in COMBINATIONS if c["ci_provider"] == "github" and c["deploy_target"] == "compose"],
    ids=combination_id,
)
def test_dockerfile_passes_hadolint(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    """One per Python version: nothing else in the Dockerfile depends on the answers."""
    project = render(answers)
    run(["hadolint", "--config", ".hadolint.yaml", "Dockerfile"], project)
    dockerfile = (project / "Dockerfile").read_text()
    assert re.search(
        rf"^FROM python:{answers['python_version']}\.\d+-slim-\w+ AS python$",
        dockerfile,
        re.MULTILINE,
    )
    assert "\nUSER 10001:10001\n" in dockerfile


@parametrize(COMBINATIONS)
def test_compose_files_match_the_compose_spec(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    project = render(answers)
    stacks = [path for path in project.glob("deploy/compose/*.yml") if path.name != "scrape.yml"]
    compose_files = ["docker-compose.yml", *sorted(stacks)]
    run(["check-jsonschema", "--builtin-schema", "vendor.compose-spec", *compose_files], project)


@parametrize(COMBINATIONS)
def test_deploy_scripts_pass_shellcheck(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    project = render(answers)
    run(["shellcheck", "--shell", "sh", f"deploy/{answers['deploy_target']}/deploy.sh"], project)


@parametrize(COMBINATIONS[:1])
def test_backup_scripts_are_executable_and_pass_shellcheck(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    """No answer changes them, so one combination; tests/e2e/test_backup.py runs them."""
    project = render(answers)
    scripts = ["scripts/backup.sh", "scripts/restore.sh"]
    assert all(os.access(project / script, os.X_OK) for script in scripts)
    # The library both source is checked as a file of its own: shellcheck reports
    # only on the files it is given, and reads the sourced one for their context.
    run(["shellcheck", "--external-sources", *scripts, "scripts/_postgres.sh"], project)


# --- Every command the pipeline runs exists ---------------------------------------------


def pipeline_commands(project: Path) -> list[str]:
    """Every shell line a CI job runs (GitHub `run:`, GitLab `script:`)."""
    commands: list[str] = []

    def collect(node: Any, key: str | None = None) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                collect(value, str(name))
        elif isinstance(node, list):
            for item in node:
                collect(item, key)
        elif isinstance(node, str) and key in {"run", "script", "before_script"}:
            commands.extend(node.splitlines())

    for path in [*project.glob(".github/workflows/*.yml"), *project.glob(".gitlab-ci.yml")]:
        collect(yaml.safe_load(path.read_text()))
    return commands


def make_targets_called(commands: list[str]) -> set[str]:
    targets: set[str] = set()
    for line in commands:
        # `make` as a command: at the start, or after ;, &&, ||, |, then, do.
        for match in re.finditer(r"(?:^|[;&|]|\bthen|\bdo)\s*make\s+([^;&|]+)", line.strip()):
            words = shlex.split(match.group(1))
            targets |= {w for w in words if "=" not in w and not w.startswith("-")}
    return targets


@parametrize(COMBINATIONS)
def test_every_make_target_the_pipeline_calls_exists(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    project = render(answers)
    targets = make_targets_called(pipeline_commands(project))
    expected = {"lint", "typecheck", "test", "migrations-check", "secrets", "audit", "image"}
    expected |= {"push", "deploy-migrate", "deploy-rollout"}
    assert targets == expected
    for target in sorted(targets):
        # --dry-run fails (exit 2) on a target the Makefile lacks.
        run(["make", "--dry-run", target, "ENV=staging", f"IMAGE={IMAGE}"], project)


def test_target_extraction_reads_chained_and_conditional_calls() -> None:
    lines = ["make image push IMAGE=x", "if [ a ]; then make push IMAGE=y; fi"]
    lines += ["  apk add --no-cache make openssh-client", "true && make lint"]
    assert make_targets_called(lines) == {"image", "push", "lint"}


# --- Compose ----------------------------------------------------------------------------


@parametrize(COMPOSE[:1])
def test_compose_staging_mirrors_production(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    """The two files differ only in the environment's name, the host ports and the subnet."""
    compose = render(answers) / "deploy" / "compose"

    def lines(name: str) -> list[str]:
        text = (compose / name).read_text()
        return [line for line in text.splitlines() if "mirrors production" not in line]

    as_staging = [
        line.replace("production", "staging").replace("Production", "Staging")
        for line in lines("production.yml")
    ]
    as_staging = [
        line.replace(":8000:", ":8001:").replace("10.240.80.", "10.240.81.") for line in as_staging
    ]
    as_staging = [line.replace("127.0.0.1:9101:", "127.0.0.1:9102:") for line in as_staging]
    assert as_staging == lines("staging.yml")


@parametrize(COMPOSE[:1])
def test_compose_production_stack(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str]
) -> None:
    project = render(answers)
    stack = yaml.safe_load((project / "deploy/compose/production.yml").read_text())
    app, migrate = stack["services"]["app"], stack["services"]["migrate"]
    worker = stack["services"]["worker"]
    assert migrate["command"] == ["my_app", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["profiles"] == ["migrate"]
    assert app["restart"] == "unless-stopped"
    assert "/readyz" in " ".join(app["healthcheck"]["test"])
    assert "/livez" in (project / "Dockerfile").read_text()
    # Settings from git, secrets from a file outside it.
    assert app["env_file"][0] == "../production.env"
    assert app["env_file"][1].startswith("${SECRETS_ENV_FILE:-/etc/")
    assert app["read_only"] is True
    assert app["ports"] == ["127.0.0.1:8000:8000"]
    # The job worker: the same image, settings and confinement, its own command, port
    # (WORKER_METRICS_PORT) and probe, and time for its jobs to finish on SIGTERM.
    assert worker["image"] == app["image"]
    assert worker["env_file"] == app["env_file"]
    assert worker["read_only"] is True
    assert worker["cap_drop"] == ["ALL"]
    assert worker["command"] == ["my_app", "worker", "--metrics-host", "0.0.0.0"]
    assert worker["restart"] == "unless-stopped"
    assert worker["ports"] == ["127.0.0.1:9101:9101"]
    assert "\nWORKER_METRICS_PORT=9101\n" in (project / ".env.example").read_text()  # the default
    assert "http://127.0.0.1:9101/healthz" in " ".join(worker["healthcheck"]["test"])
    assert worker["stop_grace_period"] == "120s"
    scrape = yaml.safe_load((project / "deploy/compose/scrape.yml").read_text())
    targets = {
        (target, group["labels"]["environment"], group["labels"]["component"])
        for group in scrape["scrape_configs"][0]["static_configs"]
        for target in group["targets"]
    }
    assert ("127.0.0.1:8000", "production", "web") in targets
    assert ("127.0.0.1:9101", "production", "worker") in targets
    assert ("127.0.0.1:9102", "staging", "worker") in targets
    # The proxy on the host connects from the network's gateway: trusted, and only it.
    gateway = stack["networks"]["default"]["ipam"]["config"][0]["gateway"]
    assert app["environment"]["FORWARDED_ALLOW_IPS"] == gateway
    staging = yaml.safe_load((project / "deploy/compose/staging.yml").read_text())
    staging_subnet = staging["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(gateway) not in ipaddress.ip_network(staging_subnet)


def fake_command(directory: Path, name: str, body: str) -> None:
    """An executable `name` in `directory` that logs its arguments to calls.log."""
    path = directory / name
    path.write_text(f'#!/bin/sh\necho "{name} $*" >>"{directory}/calls.log"\n{body}\n')
    path.chmod(0o755)


def calls(directory: Path) -> list[str]:
    log = directory / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


@parametrize(COMPOSE[:1])
def test_compose_deploy_migrates_then_rolls_out(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str], tmp_path: Path
) -> None:
    project = render(answers)
    fake_command(tmp_path, "docker", "exit 0")
    env = tool_env(extra_path=tmp_path)
    for step in ("migrate", "rollout"):
        run(["make", f"deploy-{step}", "ENV=production", f"IMAGE={IMAGE}"], project, env=env)
    compose = "docker compose --file deploy/compose/production.yml"
    assert calls(tmp_path) == [
        "docker compose version",  # each make target first checks the Compose plugin is there
        f"{compose} pull migrate",
        f"{compose} run --rm migrate",
        "docker compose version",
        f"{compose} up --detach --wait --wait-timeout 300 --remove-orphans app worker",
    ]


@parametrize(COMPOSE[:1] + KUBERNETES[:1])
def test_deploy_refuses_an_unknown_environment_or_no_image(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str], tmp_path: Path
) -> None:
    project = render(answers)
    fake_command(tmp_path, "docker", "exit 0")
    fake_command(tmp_path, "kubectl", "exit 0")
    env = tool_env(extra_path=tmp_path)
    script = f"deploy/{answers['deploy_target']}/deploy.sh"
    for arguments in (["migrate", "prod", IMAGE], ["migrate", "staging", ""], ["migrate"]):
        result = run(["sh", script, *arguments], project, env=env, check=False)
        assert result.returncode == 2, arguments
        assert "usage:" in result.stderr
    assert calls(tmp_path) == []


# --- Kubernetes -------------------------------------------------------------------------


def rendered_manifests(project: Path, environment: str) -> list[dict[str, Any]]:
    """The manifests the deploy script would apply, as kubectl's kustomize renders them."""
    result = run(["sh", "deploy/kubernetes/deploy.sh", "render", environment, IMAGE], project)
    (project / f"rendered-{environment}.yaml").write_text(result.stdout)
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@parametrize(KUBERNETES)
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_kubernetes_overlays_validate_against_the_pinned_version(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str], environment: str
) -> None:
    project = render(answers)
    manifests = rendered_manifests(project, environment)
    run(
        [
            "kubernetes-validate",
            "--strict",
            "--kubernetes-version",
            KUBERNETES_VERSION,
            f"rendered-{environment}.yaml",
        ],
        project,
    )
    kinds = sorted(m["kind"] for m in manifests)
    workloads = ["Deployment", "Deployment", "HorizontalPodAutoscaler", "Job"]
    workloads += ["PodDisruptionBudget"]
    assert kinds == sorted(["ConfigMap", "Service", *workloads])
    assert {m["metadata"]["namespace"] for m in manifests} == {f"my-app-{environment}"}


@parametrize(KUBERNETES[:1])
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_kubernetes_workloads(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str], environment: str
) -> None:
    project = render(answers)
    manifests = rendered_manifests(project, environment)
    by_kind = {m["kind"]: m for m in manifests if m["metadata"]["name"] != "my-app-worker"}
    [worker] = [m for m in manifests if m["metadata"]["name"] == "my-app-worker"]
    config = by_kind["ConfigMap"]
    settings = {
        key: value
        for key, _, value in (
            line.partition("=")
            for line in (project / f"deploy/{environment}.env").read_text().splitlines()
            if line and not line.startswith("#")
        )
    }
    assert config["data"] == settings  # the non-secret settings, and only those

    for workload in (by_kind["Deployment"], worker, by_kind["Job"]):
        pod = workload["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["image"] == IMAGE
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert set(container["resources"]) == {"limits", "requests"}
        # Secrets by name only: none is rendered from the repository.
        assert container["envFrom"] == [
            {"configMapRef": {"name": config["metadata"]["name"]}},
            {"secretRef": {"name": "my-app-secrets"}},
        ]
    web = by_kind["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert web["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["startupProbe"]["httpGet"]["path"] == "/livez"
    assert by_kind["Job"]["spec"]["template"]["spec"]["containers"][0]["args"] == [
        "my_app",
        "migrate",
    ]
    assert "replicas" not in by_kind["Deployment"]["spec"]  # the autoscaler owns it
    assert by_kind["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2
    # The job worker: its own command, the probe of its loop on its metrics port, and
    # longer than a job takes to finish on SIGTERM; no autoscaler, no Service.
    assert worker["kind"] == "Deployment"
    assert worker["spec"]["replicas"] >= 2
    worker_pod = worker["spec"]["template"]["spec"]
    (worker_container,) = worker_pod["containers"]
    assert worker_container["args"] == ["my_app", "worker", "--metrics-host", "0.0.0.0"]
    assert worker_container["ports"] == [{"name": "metrics", "containerPort": 9101}]
    assert "\nWORKER_METRICS_PORT=9101\n" in (project / ".env.example").read_text()  # the default
    assert worker_container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert worker_pod["terminationGracePeriodSeconds"] >= 120
    assert by_kind["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"] == "my-app"
    selector = by_kind["Service"]["spec"]["selector"]
    assert selector["app.kubernetes.io/component"] == "web"


@parametrize(KUBERNETES[:1])
def test_kubernetes_deploy_migrates_then_rolls_out(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str], tmp_path: Path
) -> None:
    """kubectl's kustomize is real; every call to the cluster is logged instead."""
    project = render(answers)
    real = BIN_DIR / "kubectl"
    fake_command(
        tmp_path,
        "kubectl",
        textwrap.dedent(f"""\
            case "$1 $2" in
                "kustomize "*) exec "{real}" "$@" ;;
                "--namespace my-app-staging") [ "$3" = get ] && echo 1/ ;;
            esac
            exit 0"""),
    )
    env = tool_env(extra_path=tmp_path)
    for step in ("migrate", "rollout"):
        run(["make", f"deploy-{step}", "ENV=staging", f"IMAGE={IMAGE}"], project, env=env)
    cluster = [call for call in calls(tmp_path) if not call.startswith("kubectl kustomize")]
    assert [re.sub(r"/\S+/manifests.yaml", "M", call) for call in cluster] == [
        "kubectl apply --filename M --selector app.kubernetes.io/component=config",
        "kubectl --namespace my-app-staging delete job my-app-migrate --ignore-not-found"
        " --wait=true",
        "kubectl apply --filename M --selector app.kubernetes.io/component=migration",
        "kubectl --namespace my-app-staging get job my-app-migrate"
        " --output jsonpath={.status.succeeded}/{.status.failed}",
        "kubectl --namespace my-app-staging logs job/my-app-migrate",
        "kubectl apply --filename M --selector app.kubernetes.io/component!=migration",
        "kubectl --namespace my-app-staging rollout status deployment/my-app --timeout=10m",
        "kubectl --namespace my-app-staging rollout status deployment/my-app-worker --timeout=10m",
    ]


@parametrize(KUBERNETES[:1])
def test_a_failed_migration_stops_the_deploy(
    render: Callable[[dict[str, str]], Path], answers: dict[str, str], tmp_path: Path
) -> None:
    project = render(answers)
    real = BIN_DIR / "kubectl"
    fake_command(
        tmp_path,
        "kubectl",
        textwrap.dedent(f"""\
            case "$1 $2" in
                "kustomize "*) exec "{real}" "$@" ;;
                "--namespace my-app-staging") [ "$3" = get ] && echo /1 ;;
            esac
            exit 0"""),
    )
    result = run(
        ["make", "deploy", "ENV=staging", f"IMAGE={IMAGE}"],
        project,
        env=tool_env(extra_path=tmp_path),
        check=False,
    )
    assert result.returncode != 0
    assert "migration failed: nothing was rolled out" in result.stderr
    assert not [call for call in calls(tmp_path) if "rollout" in call or "!=migration" in call]


# --- The validators do catch mistakes (so a green run means something) -------------------


def test_validators_reject_broken_files(tmp_path: Path) -> None:
    workflow = tmp_path / "broken.yml"
    workflow.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - uses: actions/checkout@v5\n      - run: echo ${{ github.event.bad }\n"
    )
    assert run(["actionlint", workflow], tmp_path, check=False).returncode != 0
    assert run(["zizmor", "--offline", workflow], tmp_path, check=False).returncode != 0

    manifest = tmp_path / "deployment.yaml"
    manifest.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"
        "spec:\n  selector: {matchLabels: {a: b}}\n  replica: 2\n"
        "  template:\n    metadata: {labels: {a: b}}\n"
        "    spec: {containers: [{name: a, image: a}]}\n"
    )
    command = ["kubernetes-validate", "--strict", "-k", KUBERNETES_VERSION, manifest]
    assert run(command, tmp_path, check=False).returncode != 0

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:latest\nRUN pip install fastapi\n")
    assert run(["hadolint", dockerfile], tmp_path, check=False).returncode != 0
