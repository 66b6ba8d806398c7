"""Every option combination renders into a clean project.

Rendered with pytest-copie (docs/template-testing.md says why).
"""

import compileall
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import combination_id, option_combinations
from tools.lock_template import lock_file_name


def test_the_template_has_no_symlinks() -> None:
    assert not [path for path in (REPO_ROOT / "template").rglob("*") if path.is_symlink()]


def test_each_python_version_has_its_own_lock() -> None:
    questions = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
    for version in questions["python_version"]["choices"]:
        lock = REPO_ROOT / "template" / lock_file_name(str(version))
        assert lock.is_file(), f"no lock for {version}: run `uv run python -m tools.lock_template`"


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
    # Exactly one lock: the one for the chosen Python.
    assert "uv.lock" in files
    assert (
        f'requires-python = "=={answers["python_version"]}.*"' in (project / "uv.lock").read_text()
    )
    # Every Python file compiles.
    assert compileall.compile_dir(project, quiet=1, force=True)
    # The answers file records the choices and nothing secret.
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert {key: recorded[key] for key in answers} == answers
    assert "reserved_package_names" not in recorded
