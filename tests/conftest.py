"""Fixtures shared by the template and end-to-end tests."""

from pathlib import Path

import pytest

import scaffold
from tools.snapshot import snapshot_template

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree's template, committed and tagged v<version> in a clean repo.

    copier renders a dirty template from a temporary commit (and warns), so the
    tests render this snapshot: exactly what is on disk, with a real version.
    """
    return snapshot_template(
        REPO_ROOT, tmp_path_factory.mktemp("template") / "repo", scaffold.__version__
    )
