"""Files on disk that git does not track, where the update would write.

The work tree is clean when an update starts, so such a file is one git ignores (a
`local.cfg` with the owner's values, a symlink to a data directory): git cannot bring it
back, so the update never writes over it, nor through it. The template's version goes
beside it instead, named like the other files that could not be merged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from scaffold.merge.scratch import Entry, Scratch
from scaffold.merge.three_way import beside_name


def set_aside_untracked(
    scratch: Scratch, root: Path, head_tree: str, tree: str
) -> tuple[str, list[tuple[str, str]]]:
    """`tree` with every file that would land on (or under) an untracked path moved beside
    it; and the (untracked path, template's version) pairs."""
    final = scratch.entries(tree)
    edits: dict[str, Entry | None] = {}
    beside: dict[str, str] = {}
    for change in scratch.changes(head_tree, tree):
        if change.old is not None or change.new is None:
            continue  # only additions: the other paths are tracked
        blocker = _blocking_path(root, change.path)
        if blocker is None:
            continue
        if blocker not in beside:
            beside[blocker] = _free_name(root, blocker, final, beside.values())
        edits[change.path] = None
        edits[beside[blocker] + change.path[len(blocker) :]] = change.new
    return scratch.edit_tree(tree, edits), sorted(beside.items())


def _blocking_path(root: Path, path: str) -> str | None:
    """The path itself if something is there, or the first parent that is not a real
    directory (a file, or a symlink that would take the write elsewhere)."""
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        target = root / prefix
        if depth == len(parts):
            return prefix if target.is_symlink() or target.exists() else None
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            return prefix
    return None


def _free_name(root: Path, path: str, tree: Mapping[str, Entry], taken: Iterable[str]) -> str:
    used = set(taken)
    return beside_name(
        path,
        lambda name: (
            name in tree or name in used or (root / name).is_symlink() or (root / name).exists()
        ),
    )
