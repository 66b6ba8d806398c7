"""The template's changelog: which entries a project gets between two versions.

`check` prints them when a project is behind, `update` when it brings them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from scaffold.template.model import Template
from scaffold.template.versions import parse_described

if TYPE_CHECKING:
    from packaging.version import Version

CHANGELOG = "CHANGELOG.md"
_HEADING = re.compile(r"^##\s+\[?(?P<name>[^\]\s]+)\]?")


def changelog_for(source: Template, current: str, target: str, described: str) -> str:
    """The template's changelog entries a project at `current` gets by going to `target`
    (`described`: its `git describe` name)."""
    text = source.file_at(target, CHANGELOG) or ""
    known = ""
    if source.commit_of(current) is not None:  # a local version: its file is at hand
        known = source.file_at(current, CHANGELOG) or ""
    return changelog_between(text, current, described, known)


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
