"""`scaffold check`: is the project at the newest template version? No rendering: fast.

Usable as a pre-commit hook or a CI step: exit 0 when up to date, 1 when behind (with
the changelog entries in between) or when an update left conflict markers.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold._conflicts import files_with_conflict_markers
from scaffold._git import run_git
from scaffold._project import load_project
from scaffold._source import (
    ProjectSource,
    describe,
    project_source,
    read_file_at,
    resolve_commit,
    same_template,
)
from scaffold._versions import parse_described

if TYPE_CHECKING:
    from packaging.version import Version
from scaffold.errors import GitError, TemplateError

CHANGELOG = "CHANGELOG.md"
_HEADING = re.compile(r"^##\s+\[?(?P<name>[^\]\s]+)\]?")


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
    source = project_source(project)
    current = project.commit or ""
    newest = describe(source, source.newest)
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


def changelog_for(source: ProjectSource, current: str, target: str, described: str) -> str:
    """The template's changelog entries a project at `current` gets by going to `target`
    (`described`: its `git describe` name)."""
    text = read_file_at(source, target, CHANGELOG) or ""
    known = ""
    if source.repo is not None and resolve_commit(source.repo, current) is not None:
        known = read_file_at(source, current, CHANGELOG) or ""
    return changelog_between(text, current, described, known)


def _up_to_date(source: ProjectSource, current: str, newest: str) -> bool:
    if source.repo is not None and resolve_commit(source.repo, current) is not None:
        if same_template(source, current, source.newest):
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


def changelog_between(text: str, current: str, newest: str, known: str = "") -> str:
    """The sections of a Keep-a-Changelog style file newer than `current`, up to `newest`.

    Sections are `## [1.2.0] ...` (or `## v1.2.0`, `## 1.2.0`) headings; `## [Unreleased]`
    is included when `newest` is not a release. `known` is the file as it was at
    `current`: its entries are the project's already and are left out, so a project made
    between releases sees only what it would get (a section left empty goes too).
    """
    old, new = parse_described(current), parse_described(newest)
    had = set(_entries(known.splitlines()))
    sections: list[str] = []
    for heading, body in _sections(text):
        if not _wanted(heading, old, new):
            continue
        entries = [entry for entry in _entries(body) if entry not in had]
        if entries:
            sections += [heading, "", *entries, ""]
    return "\n".join(sections).strip()


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """`## ` headings with the lines under each (a `# ` heading ends a section)."""
    sections: list[tuple[str, list[str]]] = []
    body: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            body = []
            sections.append((line, body))
        elif line.startswith("# "):
            body = None
        elif body is not None:
            body.append(line)
    return sections


def _entries(lines: list[str]) -> list[str]:
    """A section's entries: each top-level `- ` item with its indented lines, or paragraph."""
    entries: list[list[str]] = []
    for line in lines:
        if not line.strip():
            if entries and entries[-1]:
                entries.append([])
        elif line.startswith((" ", "\t")) and entries and entries[-1]:
            entries[-1].append(line.rstrip())
        elif line.startswith("- ") or not entries or not entries[-1]:
            entries.append([line.rstrip()])
        else:  # a paragraph's next line
            entries[-1].append(line.rstrip())
    return ["\n".join(entry) for entry in entries if entry and not entry[0].startswith("## ")]


def _wanted(heading: str, old: tuple[Version, int] | None, new: tuple[Version, int] | None) -> bool:
    from packaging.version import InvalidVersion, Version  # noqa: PLC0415 (lazy: fast --help)

    match = _HEADING.match(heading)
    if match is None:
        return False
    name = match["name"]
    if name.lower() == "unreleased":
        return new is None or new[1] > 0
    try:
        version = Version(name)
    except InvalidVersion:
        return False
    return (old is None or (version, 0) > old) and (new is None or (version, 0) <= new)
