"""Fixtures shared across folders (the fake templates and their projects come from
tests/fixtures.py; each folder that wants the isolated environment imports it in its
own conftest.py), and how the suite's workers share the tests out."""

import re
from pathlib import Path
from typing import Any

import pytest

import scaffold
from tests.fixtures import (  # noqa: F401  (fixtures are found by name)
    fake_template,
    generated,
    make_project,
    template,
)
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


# A generated project's tests carry its answers in their ids (`combination_id`).
_PROJECT = re.compile(r"python_version=([0-9.]+)-.*?payments=(\w+)-frontend=(\w+)")


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Workers (pytest-xdist) take the tests of one generated project, and of every
    project with the same Python, payments and frontend answers, together: each worker generates
    and installs only its own projects, combinations that share a suite run (see
    `suite_inputs`) meet on one worker, and its mypy cache knows their code. Every other
    test goes wherever a worker is free.

    (xdist's own `--dist loadgroup` marks tests by rewriting a node id that pytest 9
    no longer reads; its scheduling hook is the supported way.)
    """
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]  # noqa: PLC0415

    class ByGeneratedProject(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            project = _PROJECT.search(nodeid)
            return f"{project[1]}-{project[2]}-{project[3]}" if project else nodeid

    return ByGeneratedProject(config, log)
