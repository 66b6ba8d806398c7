"""`scaffold check`: is the project at the newest template version? No rendering: fast.

Usable as a pre-commit hook or a CI step: exit 0 when up to date, 1 when behind (with
the changelog entries in between) or when an update left conflict markers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scaffold.conflicts import files_with_conflict_markers
from scaffold.errors import GitError, TemplateError
from scaffold.git import run_git
from scaffold.project import load_project
from scaffold.template.changelog import changelog_for
from scaffold.template.model import Template
from scaffold.template.source import project_template
from scaffold.template.versions import parse_described


@dataclass(frozen=True)
class CheckResult:
    """How the project's template version compares with the newest one."""

    path: Path
    template: str
    """The template source, as recorded (`_src_path`)."""
    current: str
    """The project's template version (`_commit`)."""
    newest: str
    """The newest version of the template (what `scaffold update` would go to)."""
    up_to_date: bool
    changelog: str = ""
    """The template's CHANGELOG.md entries after `current`, up to `newest`."""
    conflicts: tuple[str, ...] = ()
    """Files still holding conflict markers (from an update not finished)."""

    @property
    def ok(self) -> bool:
        return self.up_to_date and not self.conflicts


def check_project(path: str | os.PathLike[str] = ".") -> CheckResult:
    """Compare the project's recorded template version with the newest one."""
    project = load_project(path)
    source = project_template(project)
    current = project.commit or ""
    newest = source.describe(source.newest)
    up_to_date = _up_to_date(source, current, newest)
    try:
        conflicts = tuple(files_with_conflict_markers(project))
    except GitError:  # not a git repository: nothing recorded what belongs to the project
        conflicts = ()
    changelog = ""
    if not up_to_date:
        changelog = changelog_for(source, current, source.newest, newest)
    return CheckResult(
        path=project.path,
        template=source.recorded,
        current=current,
        newest=newest,
        up_to_date=up_to_date,
        changelog=changelog,
        conflicts=conflicts,
    )


def _up_to_date(source: Template, current: str, newest: str) -> bool:
    if source.repo is not None and source.commit_of(current) is not None:
        if source.same_render(current, source.newest):
            return True
        try:
            run_git("merge-base", "--is-ancestor", source.newest, current, cwd=source.repo)
        except GitError:
            return False
        return True  # the project is ahead of the newest release (made from a later commit)
    old, new = parse_described(current), parse_described(newest)
    if old is None or new is None:
        if current == newest:
            return True
        if source.repo is not None:
            raise TemplateError(f"the recorded template version {current!r} is not in {source.src}")
        return False
    return new <= old
