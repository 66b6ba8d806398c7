"""The 3-way merge of an update, and the cases where plain copier loses the user's work.

base = the recorded version rendered with the recorded answers, ours = the project at
HEAD, theirs = the new version rendered with the new answers. `git merge-tree` merges
them (renames followed, conflicts inline); then the result is corrected so nothing the
user wrote is lost:

- a file the template deletes but the user edited is kept ("kept");
- a file the template renames (or moves with a renamed directory, e.g. the package
  after a `package_name` change) takes the user's edits along; files the user added in
  a directory the template renamed move too ("moved");
- a directory renamed by an answer is found by its paths too (at any depth, also when
  git cannot pair its files by content);
- a file the user deleted stays deleted even when the template changed or moved it;
- a binary file both sides changed keeps the user's version, the template's beside it;
- the answers file is the new version's, with the comments the user added when they
  merge cleanly; `_skip_if_exists` files stay as they are.
"""

from __future__ import annotations

import posixpath
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scaffold.conflicts import has_conflict_markers, is_binary
from scaffold.errors import ScaffoldError
from scaffold.git import git_bytes
from scaffold.merge.scratch import Entry, Message, Scratch
from scaffold.project import parse_answers_file

OURS_LABEL = "your-project"
BESIDE_SUFFIX = ".from-template"
"""The template's version of a file that could not be merged goes beside it, so named."""
# Conflicts git writes into the file as markers (the scan finds them).
_MARKED_CONFLICTS = {"CONFLICT (contents)", "CONFLICT (add/add)"}
_BINARY_CONFLICT = "CONFLICT (binary)"  # set aside: the template's version beside the user's
_NOT_UNRESOLVED = {*_MARKED_CONFLICTS, _BINARY_CONFLICT}


@dataclass
class MergeReport:
    """The merged tree and what the merge did beyond applying template changes."""

    tree: str
    conflicts: list[str] = field(default_factory=list)
    """Files whose result holds conflict markers (found by reading them)."""
    unresolved: list[str] = field(default_factory=list)
    """Conflicts git could not write as markers (binary files, file/directory clashes)."""
    merged: list[str] = field(default_factory=list)
    """Files both sides changed, merged without conflict."""
    kept: list[str] = field(default_factory=list)
    """Files the template removed that the user had edited: kept as they are."""
    moved: list[tuple[str, str]] = field(default_factory=list)
    """(old, new): the user's edited or added files moved along with a template rename."""
    left_deleted: list[tuple[str, str | None]] = field(default_factory=list)
    """(the user's path, the template's new path if it moved it): files the user deleted
    that the template changed or moved, not brought back."""
    set_aside: list[tuple[str, str]] = field(default_factory=list)
    """(the user's file, the template's version beside it): binary files both changed."""
    answers_comments: list[str] = field(default_factory=list)
    """Lines with a comment the user added to the answers file that could not be kept."""


@dataclass(frozen=True)
class Trees:
    base: str
    ours: str
    theirs: str


def merge_update(
    scratch: Scratch,
    trees: Trees,
    *,
    theirs_label: str,
    answers_file: str,
    skip_if_exists: Callable[[Path], bool],
) -> MergeReport:
    """Merge `trees` and correct the result (see the module docstring)."""
    base_commit = scratch.commit(trees.base, "template, recorded version")
    scratch.set_branch(OURS_LABEL, scratch.commit(trees.ours, "your project", [base_commit]))
    scratch.set_branch(theirs_label, scratch.commit(trees.theirs, "template", [base_commit]))
    merged_tree, messages = scratch.merge(OURS_LABEL, theirs_label)

    base, ours = scratch.entries(trees.base), scratch.entries(trees.ours)
    theirs, result = scratch.entries(trees.theirs), scratch.entries(merged_tree)
    sides = _Sides(base, ours, theirs)
    report = MergeReport(tree=merged_tree)
    edits: dict[str, Entry | None] = {}
    git_moves = _read_messages(messages, base, ours, theirs, report)
    renames = _with_path_renames(scratch.renames(trees.base, trees.theirs), base, theirs)
    for old, new in renames:
        if old in ours and ours[old] != base.get(old) and new in result and old not in result:
            report.moved.append((old, new))
    report.moved.extend(git_moves)

    # The user deleted these: do not bring them back, changed or moved by the template.
    renamed_to = dict(renames)
    for path in base:
        if path in ours:
            continue
        moved_to = renamed_to.get(path)
        for gone in (path, moved_to):
            if gone is not None and gone in result and gone not in ours:
                edits[gone] = None
                report.left_deleted.append((path, None if gone == path else moved_to))

    _follow_directory_renames(
        scratch, renames, git_moves, base, ours, theirs, result, edits, report, theirs_label
    )

    for path in _binary_conflicts(messages):
        _set_aside(path, result.get(path), theirs.get(path), edits, report, result)
    if answers_file in theirs:
        edits[answers_file] = _answers_file(scratch, answers_file, sides, report, theirs_label)
    for path, entry in ours.items():
        if path != answers_file and skip_if_exists(Path(path)) and result.get(path) != entry:
            edits[path] = entry

    report.tree = scratch.edit_tree(merged_tree, edits)
    final = scratch.entries(report.tree)
    changed = [c.path for c in scratch.changes(trees.ours, report.tree) if c.new is not None]
    contents = scratch.blobs(final[path].blob for path in changed)
    report.conflicts = sorted(p for p in changed if has_conflict_markers(contents[final[p].blob]))
    report.kept = sorted(p for p in set(report.kept) if p in final and p not in edits)
    report.moved = sorted(set(report.moved))
    report.left_deleted = sorted(set(report.left_deleted), key=lambda pair: pair[0])
    report.set_aside = sorted(set(report.set_aside))
    elsewhere = {*report.conflicts, *report.kept, *(new for _, new in report.moved)}
    elsewhere |= {path for pair in report.set_aside for path in pair}
    report.merged = sorted(
        p
        for p in set(report.merged) - elsewhere - _conflicted(messages)
        if p in final and p != answers_file and final[p] != ours.get(p)
    )
    return report


@dataclass(frozen=True)
class _Sides:
    base: Mapping[str, Entry]
    ours: Mapping[str, Entry]
    theirs: Mapping[str, Entry]


def _with_path_renames(
    renames: list[tuple[str, str]], base: Mapping[str, Entry], theirs: Mapping[str, Entry]
) -> list[tuple[str, str]]:
    """git's renames, plus the files of a directory that the template renamed as a whole
    (an answer in its name changed) that git could not pair by content: tiny or empty
    files, or files whose every line names the directory.

    A directory counts as renamed when the new version has nothing left in it and a new
    directory beside it (same parent) holds at least half of its files under the same
    relative names.
    """
    paired = {old for old, _ in renames}
    vacated = _top_directories(_directories(base) - _directories(theirs))
    fresh = _top_directories(_directories(theirs) - _directories(base))
    found = list(renames)
    for old_dir in sorted(vacated):
        names = _names_under(old_dir, base)
        best, shared = None, set[str]()
        for new_dir in sorted(fresh):
            if posixpath.dirname(new_dir) != posixpath.dirname(old_dir):
                continue
            common = names & _names_under(new_dir, theirs)
            if len(common) > len(shared):
                best, shared = new_dir, common
        if best is None or 2 * len(shared) < len(names):
            continue
        found.extend(
            (f"{old_dir}/{name}", f"{best}/{name}")
            for name in sorted(shared)
            if f"{old_dir}/{name}" not in paired
        )
    return found


def _directories(tree: Mapping[str, Entry]) -> set[str]:
    found = set()
    for path in tree:
        parent = posixpath.dirname(path)
        while parent:
            found.add(parent)
            parent = posixpath.dirname(parent)
    return found


def _top_directories(directories: set[str]) -> set[str]:
    """The directories of the set whose parent is not in it."""
    return {d for d in directories if posixpath.dirname(d) not in directories}


def _names_under(directory: str, tree: Mapping[str, Entry]) -> set[str]:
    prefix = f"{directory}/"
    return {path[len(prefix) :] for path in tree if path.startswith(prefix)}


def _conflicted(messages: list[Message]) -> set[str]:
    return {p for m in messages if m.kind.startswith("CONFLICT") for p in m.paths}


def _binary_conflicts(messages: list[Message]) -> list[str]:
    return sorted({p for m in messages if m.kind == _BINARY_CONFLICT for p in m.paths[:1]})


def _set_aside(  # noqa: PLR0913, PLR0917 (one step of merge_update)
    path: str,
    ours: Entry | None,
    theirs: Entry | None,
    edits: dict[str, Entry | None],
    report: MergeReport,
    result: Mapping[str, Entry],
) -> None:
    """Keep the user's `path` as it is and put the template's version beside it."""
    if ours is None or theirs is None:
        return
    beside = beside_name(path, lambda name: name in result or name in edits)
    edits[path] = ours
    edits[beside] = theirs
    report.set_aside.append((path, beside))


def beside_name(path: str, taken: Callable[[str], bool]) -> str:
    """`<path>.from-template`, or `...-2`, `-3`... when `taken` says the name is in use."""
    name, number = f"{path}{BESIDE_SUFFIX}", 1
    while taken(name):
        number += 1
        name = f"{path}{BESIDE_SUFFIX}-{number}"
    return name


def _answers_file(
    scratch: Scratch, name: str, sides: _Sides, report: MergeReport, theirs_label: str
) -> Entry:
    """The new version's answers file, with the comments the user added to it when they
    merge cleanly; the comment lines that do not are listed in the report."""
    theirs, ours, base = sides.theirs[name], sides.ours.get(name), sides.base.get(name)
    if ours is None or ours == base:
        return theirs
    merged = _merge_contents(scratch, base, ours, theirs, theirs_label)
    texts = scratch.blobs(entry.blob for entry in (ours, theirs, base) if entry is not None)
    if merged is not None and not has_conflict_markers(merged):
        try:
            same = parse_answers_file(merged.decode(), Path(name)) == parse_answers_file(
                texts[theirs.blob].decode(), Path(name)
            )
        except (ScaffoldError, UnicodeError):
            same = False
        if same:
            return Entry(theirs.mode, scratch.store_blob(merged))
    base_lines = set(texts[base.blob].splitlines()) if base is not None else set()
    report.answers_comments = [
        line.decode(errors="replace")
        for line in texts[ours.blob].splitlines()
        if b"#" in line and line not in base_lines
    ]
    return theirs


def _read_messages(
    messages: list[Message],
    base: Mapping[str, Entry],
    ours: Mapping[str, Entry],
    theirs: Mapping[str, Entry],
    report: MergeReport,
) -> list[tuple[str, str]]:
    """Sort git's merge messages into the report; return the files git moved."""
    git_moves: list[tuple[str, str]] = []
    for message in messages:
        paths = message.paths
        if message.kind == "Auto-merging":
            report.merged.extend(paths)
        elif message.kind in {"CONFLICT (modify/delete)", "CONFLICT (rename/delete)"}:
            report.kept.extend(p for p in paths if p in ours and p in base and p not in theirs)
        elif message.kind == "Path updated due to directory rename":
            old = next((path for path in paths if path in ours), None)
            new = next((path for path in paths if path != old), None)
            if old is not None and new is not None:
                git_moves.append((old, new))
        elif message.kind.startswith("CONFLICT") and message.kind not in _NOT_UNRESOLVED:
            report.unresolved.append(message.text)
    return git_moves


def _follow_directory_renames(  # noqa: PLR0913, PLR0917 (one step of merge_update)
    scratch: Scratch,
    renames: list[tuple[str, str]],
    git_moves: list[tuple[str, str]],
    base: Mapping[str, Entry],
    ours: Mapping[str, Entry],
    theirs: Mapping[str, Entry],
    result: Mapping[str, Entry],
    edits: dict[str, Entry | None],
    report: MergeReport,
    theirs_label: str,
) -> None:
    """Move what git left behind in a directory the template renamed.

    git pairs files by content, so a file it cannot pair (an empty `__init__.py` the
    user filled in) stays at its old path. Every user file still in a vacated directory
    moves to the new one; when the template has a file there, the two are merged.
    """
    directories = _directory_renames([*renames, *git_moves], theirs)
    if not directories:
        return
    for path, entry in result.items():
        if path not in ours or path in theirs or edits.get(path, entry) is None:
            continue
        target = _relocated(path, directories)
        if target is None or (target in result and target not in theirs):
            continue
        if target in theirs and target in result:
            merged = _merge_contents(
                scratch, base.get(path), ours[path], theirs[target], theirs_label
            )
            if merged is None:  # binary: the user's file moves, the template's goes beside
                _set_aside(target, ours[path], theirs[target], edits, report, result)
            else:
                edits[target] = Entry(theirs[target].mode, scratch.store_blob(merged))
        else:
            edits[target] = entry
        edits[path] = None
        report.moved.append((path, target))
        if path in report.kept:
            report.kept.remove(path)


def _directory_renames(
    renames: list[tuple[str, str]], theirs: Mapping[str, Entry]
) -> dict[str, str]:
    """Directories the template renamed as a whole: `src/old_pkg` -> `src/new_pkg`."""
    votes: dict[str, Counter[str]] = {}
    for old, new in renames:
        old_parts, new_parts = old.split("/"), new.split("/")
        while len(old_parts) > 1 and len(new_parts) > 1 and old_parts[-1] == new_parts[-1]:
            old_parts.pop()
            new_parts.pop()
        old_dir, new_dir = "/".join(old_parts), "/".join(new_parts)
        if old == old_dir or new == new_dir:  # the file itself was renamed, not its directory
            old_dir, new_dir = posixpath.dirname(old), posixpath.dirname(new)
            if not old_dir or old_dir == new_dir:
                continue
        votes.setdefault(old_dir, Counter())[new_dir] += 1
    vacated = {}
    for old_dir, counter in votes.items():
        if any(path.startswith(f"{old_dir}/") for path in theirs):
            continue  # the template still has files there: not a directory rename
        vacated[old_dir] = counter.most_common(1)[0][0]
    return vacated


def _relocated(path: str, directories: Mapping[str, str]) -> str | None:
    for old_dir in sorted(directories, key=len, reverse=True):
        if path.startswith(f"{old_dir}/"):
            return directories[old_dir] + path[len(old_dir) :]
    return None


def _merge_contents(
    scratch: Scratch, base: Entry | None, ours: Entry, theirs: Entry, theirs_label: str
) -> bytes | None:
    """`git merge-file` of three blobs: the merged content, conflicts inline; None when
    one of them is binary (git cannot merge those)."""
    ids = [entry.blob for entry in (base, ours, theirs) if entry is not None]
    contents = scratch.blobs(ids)
    if any(is_binary(content) for content in contents.values()):
        return None
    with tempfile.TemporaryDirectory(prefix="scaffold-merge-") as tmp:
        files = []
        for name, entry in (("ours", ours), ("base", base), ("theirs", theirs)):
            file = Path(tmp) / name
            file.write_bytes(contents[entry.blob] if entry is not None else b"")
            files.append(str(file))
        # Its exit code is the number of conflicts (up to 127); above, an error.
        _conflicts, merged = git_bytes(
            *("merge-file", "-p", "-L", OURS_LABEL, "-L", "base", "-L", theirs_label, *files),
            ok_codes=tuple(range(128)),
        )
    return merged
