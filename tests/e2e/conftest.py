"""End-to-end fixtures: the working tree's template, a PostgreSQL server, generated projects.

Projects are generated with the real `scaffold` command into temp dirs, then built
and checked with their own Makefile targets, exactly as their owners and CI run them.
"""

import hashlib
import itertools
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tools.pythons import uv_env

BIN_DIR = Path(sys.executable).parent
LOCAL_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def option_combinations() -> list[dict[str, str]]:
    """Every combination of the template's multiple-choice answers."""
    questions = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
    choices = {
        name: [str(choice) for choice in spec["choices"]]
        for name, spec in questions.items()
        if not name.startswith("_") and isinstance(spec, dict) and "choices" in spec
    }
    return [
        dict(zip(choices, values, strict=True)) for values in itertools.product(*choices.values())
    ]


def combination_id(answers: Mapping[str, str]) -> str:
    return "-".join(f"{key}={value}" for key, value in answers.items())


# Tracked files that only the CI pipeline and the deploy scripts read: the generated
# project's own test suite never opens or runs them (tests/template/test_render.py
# checks that no generated test names them).
CI_AND_DEPLOY_ONLY: tuple[str, ...] = (".github/", ".gitlab-ci.yml", "docs/deploy.md")
CI_AND_DEPLOY_ONLY += ("deploy/compose/", "deploy/kubernetes/")


def suite_inputs(project: Path) -> str:
    """A digest of everything a project's test suite can depend on: every tracked file
    (the answers file and CI/deploy-only files aside), path and bytes.

    `.env` is untracked: it is .env.example with fresh random secrets, the same shape
    in every project. Two combinations with the same digest run the same tests on
    the same code, configuration and locked dependencies.
    """
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    digest = hashlib.sha256()
    for name in sorted(filter(None, tracked)):
        if name == ".copier-answers.yml" or name.startswith(CI_AND_DEPLOY_ONLY):
            continue
        digest.update(name.encode() + b"\0" + (project / name).read_bytes() + b"\0")
    return digest.hexdigest()


DEFAULT_ANSWERS = {
    name: str(spec["default"])
    for name, spec in yaml.safe_load((REPO_ROOT / "copier.yml").read_text()).items()
    if isinstance(spec, dict) and "choices" in spec
}


def run(
    command: list[str], cwd: Path, env: Mapping[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run `command`; on failure, fail the test with its whole output."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout[-8000:]}\n--- stderr ---\n{result.stderr[-8000:]}",
            pytrace=False,
        )
    return result


def _postgres_listening(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def database_env() -> dict[str, str]:
    """Where generated projects' tests find PostgreSQL.

    TEST_DATABASE_URL when set, else the local server when one listens on 5432;
    else nothing, and the generated projects start their embedded PostgreSQL.
    """
    if url := os.environ.get("TEST_DATABASE_URL"):
        return {"TEST_DATABASE_URL": url}
    if _postgres_listening():
        return {"TEST_DATABASE_URL": LOCAL_POSTGRES_URL}
    return {}


def project_env(python_version: str, database: Mapping[str, str], tmp_dir: Path) -> dict[str, str]:
    """Environment for commands run inside a generated project.

    `tmp_dir` becomes the project's TMPDIR: its own pytest runs keep their temp
    dirs there, so their clean-up of old runs never reaches this suite's dirs
    (holding the project itself).
    """
    env = {
        key: value
        for key, value in uv_env(python_version).items()
        if key not in {"DATABASE_URL", "TEST_DATABASE_URL", "APP_ENV", "SECRET_KEY"}
    }
    # The uv of this venv (a pinned dev dependency) drives the generated project.
    env["PATH"] = f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}"
    env.update(database)
    env["TMPDIR"] = str(tmp_dir)
    return env


def generate(
    template: Path, destination: Path, answers: Mapping[str, str], *extra: str
) -> subprocess.CompletedProcess[str]:
    """`scaffold new` with the given answers, non-interactively."""
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    command = [str(BIN_DIR / "scaffold"), "new", str(destination), "--defaults", *data]
    command += ["--template", str(template), *extra]
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIRTUAL_ENV")}
    return run(command, cwd=destination.parent, env=env, timeout=120)


@dataclass(frozen=True)
class GeneratedProject:
    path: Path
    answers: dict[str, str]
    env: dict[str, str]
    suite_inputs: str = ""

    def make(self, *targets: str, env: Mapping[str, str] | None = None) -> str:
        """Run Makefile targets in the project; return their output."""
        result = run(["make", *targets], cwd=self.path, env=env or self.env)
        return result.stdout + result.stderr


@pytest.fixture(scope="session", params=option_combinations(), ids=combination_id)
def project(
    request: pytest.FixtureRequest,
    template_repo: Path,
    tmp_path_factory: pytest.TempPathFactory,
    database_env: dict[str, str],
) -> GeneratedProject:
    """A project generated by `scaffold new` for one option combination, installed."""
    answers: dict[str, str] = request.param
    destination = tmp_path_factory.mktemp("project") / "my-app"
    generate(template_repo, destination, answers)
    tmp_dir = tmp_path_factory.mktemp("project-tmp")
    generated = GeneratedProject(
        destination,
        answers,
        project_env(answers["python_version"], database_env, tmp_dir),
        suite_inputs(destination),
    )
    generated.make("install")
    return generated
