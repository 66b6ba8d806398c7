"""Fixtures and helpers the CLI and library tests share: an isolated environment, the
fake templates (one version, two versions), projects generated from them, and ways to
compare a project before and after a command.

Each test folder's conftest.py imports the fixtures it uses from here."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffold import new_project
from tests.fake_templates import git, make_template, make_two_versions
from tests.isolation import isolate_user_environment


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's git config, caches and copier settings out of every test."""
    return isolate_user_environment(monkeypatch, tmp_path / "home")


@pytest.fixture(scope="session")
def fake_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean, tagged (v1.0.0) template repository; read-only for the tests."""
    return make_template(tmp_path_factory.mktemp("fake-template"))


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template repository tagged v1.0.0 and v2.0.0; read-only for the tests."""
    return make_two_versions(tmp_path_factory.mktemp("two-versions") / "template")


@pytest.fixture(scope="session")
def generated(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Projects generated (and committed) once per version; tests work on copies."""
    root = tmp_path_factory.mktemp("generated")
    projects = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_user_environment(monkeypatch, root / "home")
        for ref in ("v1.0.0", "v2.0.0"):
            projects[ref] = root / ref
            new_project(projects[ref], defaults=True, template=str(template), vcs_ref=ref)
    return projects


@pytest.fixture
def make_project(generated: dict[str, Path], tmp_path: Path) -> Callable[..., Path]:
    """A project generated at `ref` (v1.0.0) and committed, with `edits` applied and committed."""

    def make(edits: Callable[[Path], None] | None = None, ref: str = "v1.0.0") -> Path:
        project = tmp_path / "project"
        shutil.copytree(generated[ref], project, symlinks=True)
        if edits is not None:
            edits(project)
            commit_all(project, "my changes")
        return project

    return make


def commit_all(project: Path, message: str) -> None:
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--allow-empty", "-m", message, cwd=project)


def git_fingerprint(project: Path) -> dict[str, str]:
    """Every file under `.git` (hashed), plus HEAD and refs: equal means untouched."""
    state = {
        str(path.relative_to(project)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((project / ".git").rglob("*"))
        if path.is_file()
    }
    refs = subprocess.run(
        ["git", "show-ref", "--head"], cwd=project, capture_output=True, text=True, check=True
    ).stdout
    state["<refs>"] = refs
    return state


def worktree(project: Path) -> dict[str, bytes]:
    """Every file of the project outside `.git`, with its content."""
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


def status(project: Path) -> str:
    return subprocess.run(
        ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=all"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) with `new` in the file at `path`."""
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))
