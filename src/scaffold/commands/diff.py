"""`scaffold diff`: how the project differs from a fresh render of its recorded version.

The recorded template version is rendered with the recorded answers into a temporary
directory and compared with the project's files as they are now (uncommitted changes
included, git-ignored files left out).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import GitError
from scaffold.git import run_git
from scaffold.merge.scratch import Scratch
from scaffold.project import Project, keep_recorded_source, load_project
from scaffold.template import render_cache
from scaffold.template.model import Template
from scaffold.template.render import render_version
from scaffold.template.render_cache import render_key
from scaffold.template.source import project_template, require_recorded_version


@dataclass(frozen=True)
class DiffResult:
    """The differences between the project and a fresh render of what it records."""

    path: Path
    version: str
    """The template version rendered (`_commit`)."""
    modified: tuple[str, ...]
    """Template files the project changed."""
    deleted: tuple[str, ...]
    """Template files the project does not have."""
    added: tuple[str, ...]
    """Files of the project the template does not make (your code)."""
    patch: str
    """The patch from the fresh render to the project, for modified and deleted files."""

    @property
    def differs(self) -> bool:
        """Whether any file the template makes was changed or removed."""
        return bool(self.modified or self.deleted)


def diff_project(path: str | os.PathLike[str] = ".") -> DiffResult:
    """Render the recorded version with the recorded answers and compare the project to it."""
    project = load_project(path)
    source = project_template(project)
    require_recorded_version(source, project)
    key = render_key(
        source.repo,
        project.commit,
        answers=project.answers,
        answers_file=project.answers_file,
        src=source.src,
        recorded=source.recorded,
    )
    with tempfile.TemporaryDirectory(prefix="scaffold-diff-") as tmp:
        work = Path(tmp)
        scratch = Scratch(work, borrow_from=[render_cache.cache_objects()])
        rendered = render_cache.lookup(key)  # made by `new` or an update on this machine
        if rendered is None:
            _render(project, source, work / "fresh", key)
            rendered = scratch.tree_of_directory(work / "fresh")
        _share_local_ignores(project.path, scratch.git_dir)
        current = scratch.tree_of_worktree(project.path)
        changes = scratch.changes(rendered, current)
        modified = tuple(c.path for c in changes if c.old is not None and c.new is not None)
        deleted = tuple(c.path for c in changes if c.new is None)
        added = tuple(c.path for c in changes if c.old is None)
        patch = scratch.patch(rendered, current, *modified, *deleted) if modified or deleted else ""
    return DiffResult(
        path=project.path,
        version=project.commit or "",
        modified=modified,
        deleted=deleted,
        added=added,
        patch=patch,
    )


def _render(project: Project, source: Template, fresh: Path, key: str | None) -> None:
    """Render the recorded version into `fresh` (and keep it in the render cache)."""
    render_version(
        source.src,
        fresh,
        vcs_ref=project.commit,
        answers=project.answers,
        answers_file=project.answers_file,
    )
    if source.src != source.recorded:
        keep_recorded_source(fresh / project.answers_file, project.raw_answers_text)
    render_cache.store(key, fresh)


def _share_local_ignores(project: Path, scratch_git_dir: Path) -> None:
    """Use the project's `.git/info/exclude` too (git reads the work tree's .gitignore)."""
    try:
        exclude = run_git("rev-parse", "--git-path", "info/exclude", cwd=project).strip()
    except GitError:
        return
    source = project / exclude
    if source.is_file():
        target = scratch_git_dir / "info" / "exclude"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
