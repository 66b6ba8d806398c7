"""Every option combination is generated, installed from its lock, linted,
type-checked, and its own tests run against real PostgreSQL."""

import subprocess
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import (
    BIN_DIR,
    DEFAULT_ANSWERS,
    INSTALLED_PYTHONS,
    RUNNABLE_DEFAULT_ANSWERS,
    STAND_IN_PYTHON,
    GeneratedProject,
    MadeOnce,
    OncePerInputs,
    combination_id,
    project_env,
    run,
    runs_here,
)

pytestmark = pytest.mark.e2e


def git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout


def test_lint_passes(project: GeneratedProject, once_per_inputs: OncePerInputs) -> None:
    output = once_per_inputs.make(project, "lint").output
    assert "All checks passed!" in output
    assert "Contracts: 3 kept, 0 broken." in output


# Each breaks one rule of the generated app's import contracts.
LAYER_VIOLATIONS = {
    # a repository reaching up to its service
    "bookings/repository.py": "from . import service as _up",
    # a domain reaching into another beside it, outside a named seam
    "notes/router.py": "import sqlalchemy as _sql\nfrom ..bookings import service as _beside",
    # a building block that knows a domain
    "kit/pagination.py": "from ..auth import models as _domain",
}


@pytest.mark.parametrize("project", [RUNNABLE_DEFAULT_ANSWERS], indirect=True, ids=combination_id)
def test_the_import_contracts_catch_what_they_should(
    project: GeneratedProject, tmp_path: Path
) -> None:
    """A copy of the package with one violation per contract: `lint-imports` names each."""
    package = "my_app"  # the default project name's package
    copy = tmp_path / "project"
    (copy / "src").mkdir(parents=True)
    subprocess.run(["cp", "-r", project.path / "src" / package, copy / "src"], check=True)
    (copy / "pyproject.toml").write_text((project.path / "pyproject.toml").read_text())
    for module, line in LAYER_VIOLATIONS.items():
        path = copy / "src" / package / module
        path.write_text(path.read_text() + "\n" + line + "\n")
    # PYTHONPATH first: the copy is analysed, not the editable install of the original.
    result = subprocess.run(
        [project.path / ".venv" / "bin" / "lint-imports", "--no-cache"],
        cwd=copy,
        env={**project.env, "PYTHONPATH": str(copy / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout
    assert result.returncode == 1, output + result.stderr
    assert "Contracts: 0 kept, 3 broken." in output
    for expected in (
        f"{package}.bookings.repository -> {package}.bookings.service",
        f"{package}.notes.router -> {package}.bookings.service",
        f"{package}.kit.pagination -> {package}.auth.models",
        f"{package}.notes.router -> sqlalchemy",
    ):
        assert expected in output, output


def test_types_pass_mypy_strict(project: GeneratedProject, once_per_inputs: OncePerInputs) -> None:
    output = once_per_inputs.make(project, "typecheck").output
    assert "Success: no issues found" in output


def test_migrations_check_passes(project: GeneratedProject, once_per_inputs: OncePerInputs) -> None:
    """CI's migrations job: upgrade from empty, `alembic check`, every downgrade."""
    assert " passed" in once_per_inputs.make(project, "migrations-check").output


# The defaults on each Python here run their suite on the embedded PostgreSQL, as a new
# owner's first `make test` does, and so do the combinations that share their run.
EMBEDDED_RUNS = [{**DEFAULT_ANSWERS, "python_version": version} for version in INSTALLED_PYTHONS]
SHARING_ONLY = ("ci_provider", "deploy_target")  # answers that change only CI/deploy files


def runs_on_the_embedded_server(answers: Mapping[str, str]) -> bool:
    return {**answers, **{key: DEFAULT_ANSWERS[key] for key in SHARING_ONLY}} in EMBEDDED_RUNS


def suite_run(project: GeneratedProject, once_per_inputs: OncePerInputs) -> MadeOnce:
    """`make test`, once per distinct suite input (see `suite_inputs`), on the session's
    PostgreSQL 18 or, with no database configured, on the embedded one it starts."""
    if not runs_on_the_embedded_server(project.answers):
        return once_per_inputs.make(project, "test")
    no_database = project_env(project.answers["python_version"], {}, Path(project.env["TMPDIR"]))
    made = once_per_inputs.make(project, "test", env=no_database)
    assert (made.ran_in.path / ".data" / "postgres-test-18" / "PG_VERSION").read_text() == "18\n"
    return made


def test_its_own_tests_pass_on_postgres(
    runnable_project: GeneratedProject, once_per_inputs: OncePerInputs
) -> None:
    """`make test` on PostgreSQL 18 for every combination whose Python this machine has.

    Combinations that differ only in files the suite never reads (CI pipelines,
    deploy manifests: ci_provider and deploy_target) share one run: it would run the
    same tests on the same bytes. Each is still installed, imported and scanned on its
    own below.
    """
    output = suite_run(runnable_project, once_per_inputs).output
    assert " passed" in output
    assert "failed" not in output
    assert "skipped" not in output


@pytest.mark.parametrize("project", EMBEDDED_RUNS, indirect=True, ids=combination_id)
def test_its_tests_pass_on_the_embedded_postgres(
    project: GeneratedProject, once_per_inputs: OncePerInputs
) -> None:
    """With no database configured, `make test` starts the embedded PostgreSQL 18, on
    every offered Python this machine has (the same run as the test above's for these
    answers)."""
    assert runs_on_the_embedded_server(project.answers)
    output = suite_run(project, once_per_inputs).output
    assert " passed" in output
    assert "failed" not in output


def test_the_app_imports_and_its_command_runs(project: GeneratedProject) -> None:
    result = subprocess.run(
        ["uv", "run", "my_app", "--help"],
        cwd=project.path,
        env=project.env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "migrate" in result.stdout


def test_python_version_is_pinned(project: GeneratedProject) -> None:
    """The project targets its own Python, and ran here on it (or on the stand-in)."""
    version = project.answers["python_version"]
    assert (project.path / ".python-version").read_text().strip() == version
    pyproject = tomllib.loads((project.path / "pyproject.toml").read_text())
    assert pyproject["tool"]["mypy"]["python_version"] == version
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + version.replace(".", "")
    lock = tomllib.loads((project.path / "uv.lock").read_text())
    assert lock["requires-python"] == pyproject["project"]["requires-python"]
    venv_python = run([".venv/bin/python", "--version"], cwd=project.path, env=project.env)
    ran_on = version if runs_here(project.answers) else STAND_IN_PYTHON
    assert venv_python.stdout.startswith(f"Python {ran_on}.")


def test_git_holds_one_commit_with_no_secret(project: GeneratedProject) -> None:
    assert git(project.path, "rev-list", "--count", "HEAD").strip() == "1"
    tracked = set(git(project.path, "ls-files").split())
    assert ".env.example" in tracked
    assert "uv.lock" in tracked
    assert ".env" not in tracked
    assert git(project.path, "check-ignore", ".env", ".data/postgres").split() == [
        ".env",
        ".data/postgres",
    ]
    secret = next(
        line.split("=", 1)[1]
        for line in (project.path / ".env").read_text().splitlines()
        if line.startswith("SECRET_KEY=")
    )
    assert len(secret) >= 32
    assert secret != "change-me"
    found = subprocess.run(
        # -e: a secret may start with "-" (token_urlsafe draws it), which git reads as an option.
        ["git", "grep", "--fixed-strings", "--quiet", "-e", secret, "HEAD"],
        cwd=project.path,
        check=False,
    )
    assert found.returncode == 1, "the .env secret is in a committed file"


def test_nothing_of_the_template_repo_leaks(project: GeneratedProject) -> None:
    tracked = git(project.path, "ls-files").split()
    assert "copier.yml" not in tracked
    assert not [path for path in tracked if path.startswith(("template/", "tools/", "bench/"))]
    assert not [path for path in tracked if path.endswith(".jinja")]
    assert not list(project.path.rglob("*.rej"))


def test_answers_record_an_absolute_source_and_a_version(project: GeneratedProject) -> None:
    answers = yaml.safe_load((project.path / ".copier-answers.yml").read_text())
    assert Path(answers["_src_path"]).is_absolute()
    assert answers["_commit"].startswith("v")
    assert answers["python_version"] == project.answers["python_version"]
    assert not {key for key in answers if "secret" in key.lower() or "password" in key.lower()}


def test_the_builtin_template_records_this_checkout(tmp_path: Path) -> None:
    """Without --template, `scaffold new` renders this repository's template (the README's path)."""
    destination = tmp_path / "myapp"
    result = subprocess.run(
        [str(BIN_DIR / "scaffold"), "new", str(destination), "--defaults", "--no-git"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(REPO_ROOT)
    assert answers["_commit"]
    assert (destination / "src" / "my_app" / "main.py").is_file()
    assert (destination / ".env").is_file()


def test_a_fresh_project_scans_clean(project: GeneratedProject) -> None:
    """The pre-commit hook and CI's history scan find nothing in what scaffold generates."""
    run(["uv", "run", "pre-commit", "run", "--all-files"], cwd=project.path, env=project.env)
    assert "no secrets found" in project.make("secrets")


@pytest.mark.parametrize("project", [RUNNABLE_DEFAULT_ANSWERS], indirect=True, ids=combination_id)
def test_a_planted_key_is_caught_before_commit_and_in_history(
    project: GeneratedProject, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    run(["git", "clone", "--quiet", str(project.path), str(clone)], cwd=tmp_path, env=project.env)
    run(["make", "install"], cwd=clone, env=project.env)  # also installs the pre-commit hook
    leak = clone / "src" / "my_app" / "aws.py"
    # The documented example key from AWS, which scanners must flag.
    leak.write_text('AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"\n')  # pragma: allowlist secret
    commit = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm"]
    run(["git", "add", "-A"], cwd=clone, env=project.env)
    blocked = subprocess.run(
        [*commit, "add a key"],
        cwd=clone,
        env=project.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert blocked.returncode != 0, "the commit with a key was let through"
    assert "Secret Type: AWS Access Key" in blocked.stdout + blocked.stderr

    # Forced in, then deleted: the history still holds it, and CI's scan says so.
    run([*commit, "add a key", "--no-verify"], cwd=clone, env=project.env)
    run(["git", "rm", "-q", str(leak)], cwd=clone, env=project.env)
    run([*commit, "remove the key", "--no-verify"], cwd=clone, env=project.env)
    scan = subprocess.run(
        ["make", "secrets"], cwd=clone, env=project.env, capture_output=True, text=True, check=False
    )
    assert scan.returncode != 0
    assert "src/my_app/aws.py:1 AWS Access Key" in scan.stderr
    assert "AKIA" not in scan.stdout + scan.stderr
