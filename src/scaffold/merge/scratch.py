"""A throwaway git repository where updates are computed, so the project's `.git` is never written.

The scratch repository borrows the project's objects read-only (git "alternates"), holds
the rendered template versions as trees, and runs the 3-way merge with `git merge-tree`.
Nothing here writes to the project: its repository is only read.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scaffold.git import MACHINE_IDENTITY, git_bytes

# Settings that would change what we store or how we merge: files are taken byte for
# byte, with their modes, whatever the user's git configuration says.
_NEUTRAL_CONFIG = (
    *("-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.fileMode=true"),
    *("-c", "core.symlinks=true", "-c", "core.quotePath=false", "-c", "gc.auto=0"),
    *("-c", "commit.gpgSign=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false"),
)
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@dataclass(frozen=True)
class Entry:
    """One file of a tree: its mode (`100644`, `100755`, `120000`) and blob id."""

    mode: str
    blob: str


@dataclass(frozen=True)
class Change:
    """One path that differs between two trees; `new` is None for a deletion."""

    path: str
    old: Entry | None
    new: Entry | None


class Scratch:
    """A temporary bare repository that can read the objects of other repositories."""

    def __init__(self, root: Path, borrow_from: Iterable[Path | None] = ()) -> None:
        self.git_dir = root / "scratch.git"
        self._root = root
        self._run("init", "--quiet", "--bare", str(self.git_dir), git_dir=False)
        stores = [str(path) for path in borrow_from if path is not None]
        if stores:
            alternates = self.git_dir / "objects" / "info" / "alternates"
            alternates.write_text("".join(f"{store}\n" for store in stores), encoding="utf-8")

    def _run(
        self,
        *args: str,
        git_dir: bool = True,
        env: Mapping[str, str] | None = None,
        stdin: bytes | None = None,
        ok_codes: tuple[int, ...] = (0,),
    ) -> tuple[int, bytes]:
        prefix = ("--git-dir", str(self.git_dir)) if git_dir else ()
        return git_bytes(
            *_NEUTRAL_CONFIG,
            *prefix,
            *args,
            cwd=self._root,
            env={**MACHINE_IDENTITY, **(env or {})},
            stdin=stdin,
            ok_codes=ok_codes,
        )

    def text(self, *args: str, stdin: bytes | None = None) -> str:
        return self._run(*args, stdin=stdin)[1].decode()

    def tree_of_directory(self, directory: Path) -> str:
        """Store every file under `directory` (ignore rules do not apply) as a tree."""
        with self._index() as env:
            self._run("--work-tree", str(directory), "add", "--all", "--force", ".", env=env)
            return self._run("write-tree", env=env)[1].decode().strip()

    def tree_of_worktree(self, directory: Path) -> str:
        """Store a project's files as git would see them: ignore rules apply."""
        with self._index() as env:
            self._run("--work-tree", str(directory), "add", "--all", ".", env=env)
            return self._run("write-tree", env=env)[1].decode().strip()

    def commit(self, tree: str, message: str, parents: Iterable[str] = ()) -> str:
        args = [arg for parent in parents for arg in ("-p", parent)]
        return self.text("commit-tree", "--no-gpg-sign", tree, *args, "-m", message).strip()

    def set_branch(self, name: str, commit: str) -> None:
        self.text("update-ref", f"refs/heads/{name}", commit)

    def entries(self, tree: str) -> dict[str, Entry]:
        """Every file of `tree`, by path."""
        out = self._run("ls-tree", "-r", "-z", "--full-tree", tree)[1]
        result: dict[str, Entry] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, kind, blob = meta.decode().split()
            if kind == "blob":
                result[os.fsdecode(path)] = Entry(mode, blob)
        return result

    def changes(self, old_tree: str, new_tree: str) -> list[Change]:
        """What turns `old_tree` into `new_tree`, path by path (no rename pairing)."""
        out = self._run("diff-tree", "-r", "-z", "--no-renames", old_tree, new_tree)[1]
        fields = out.split(b"\0")
        result: list[Change] = []
        for meta, raw_path in zip(fields[0::2], fields[1::2], strict=False):
            if not meta.startswith(b":"):
                continue
            old_mode, new_mode, old_blob, new_blob, _status = meta[1:].decode().split()
            old = None if set(old_blob) == {"0"} else Entry(old_mode, old_blob)
            new = None if set(new_blob) == {"0"} else Entry(new_mode, new_blob)
            result.append(Change(os.fsdecode(raw_path), old, new))
        return result

    def renames(self, old_tree: str, new_tree: str) -> list[tuple[str, str]]:
        """Files of `old_tree` that `new_tree` holds under another path (git's detection)."""
        out = self._run(
            "diff-tree", "-r", "-z", "-M", "--diff-filter=R", "--name-status", old_tree, new_tree
        )[1]
        fields = [os.fsdecode(field) for field in out.split(b"\0")]
        pairs: list[tuple[str, str]] = []
        index = 0
        while index + 2 < len(fields):
            if fields[index].startswith("R"):
                pairs.append((fields[index + 1], fields[index + 2]))
                index += 3
            else:
                index += 1
        return pairs

    def blobs(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The contents of blobs, read with one `git cat-file --batch`."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        out = self._run("cat-file", "--batch", stdin="".join(f"{i}\n" for i in wanted).encode())[1]
        result: dict[str, bytes] = {}
        position = 0
        for blob in wanted:
            header_end = out.index(b"\n", position)
            size = int(out[position:header_end].split()[2])
            start = header_end + 1
            result[blob] = out[start : start + size]
            position = start + size + 1
        return result

    def store_blob(self, content: bytes) -> str:
        return self.text("hash-object", "-w", "--stdin", stdin=content).strip()

    def edit_tree(self, tree: str, edits: Mapping[str, Entry | None]) -> str:
        """`tree` with some paths replaced (an `Entry`) or removed (None)."""
        if not edits:
            return tree
        lines = []
        for path, entry in edits.items():
            if entry is None:
                lines.append(f"0 {'0' * 40}\t{path}")
            else:
                lines.append(f"{entry.mode} {entry.blob}\t{path}")
        with self._index() as env:
            self._run("read-tree", tree, env=env)
            self._run("update-index", "-z", "--index-info", env=env, stdin=_z(lines))
            return self._run("write-tree", env=env)[1].decode().strip()

    def merge(self, ours: str, theirs: str) -> tuple[str, list[Message]]:
        """`git merge-tree` of two branches; the result tree and git's messages.

        Directory renames are followed (a file added in a directory the other side
        renamed moves with it). Conflicting hunks are written inline into the tree.
        """
        code, out = self._run(
            "-c",
            "merge.directoryRenames=true",
            "-c",
            "merge.conflictStyle=merge",
            "merge-tree",
            "--write-tree",
            "--messages",
            "-z",
            "--name-only",
            ours,
            theirs,
            ok_codes=(0, 1),
        )
        return parse_merge_tree(out.decode(errors="surrogateescape"), clean=code == 0)

    def patch(self, old_tree: str, new_tree: str, *paths: str) -> str:
        """A reviewable patch (renames detected) from `old_tree` to `new_tree`."""
        spec = ("--", *paths) if paths else ()
        out = self._run(
            "diff", "--no-ext-diff", "--no-color", "-M", "--binary", old_tree, new_tree, *spec
        )[1]
        return out.decode(errors="replace")

    @contextmanager
    def _index(self) -> Iterator[dict[str, str]]:
        fd, name = tempfile.mkstemp(prefix="index-", dir=self._root)
        os.close(fd)
        os.unlink(name)  # git wants to create it; only the unique name was needed
        try:
            yield {"GIT_INDEX_FILE": name}
        finally:
            Path(name).unlink(missing_ok=True)


def _z(lines: Iterable[str]) -> bytes:
    return b"".join(os.fsencode(line) + b"\0" for line in lines)


@dataclass(frozen=True)
class Message:
    """One informational message of `git merge-tree`: its kind and the paths it is about."""

    kind: str
    """e.g. `Auto-merging`, `CONFLICT (contents)`, `CONFLICT (modify/delete)`."""
    paths: tuple[str, ...]
    text: str


def parse_merge_tree(output: str, *, clean: bool) -> tuple[str, list[Message]]:
    """Parse `git merge-tree --write-tree -z --name-only` output."""
    fields = output.split("\0")
    tree = fields[0]
    index = 1
    if not clean:  # the conflicted file list, ended by an empty field
        while index < len(fields) and fields[index]:
            index += 1
    index += 1
    messages: list[Message] = []
    while index < len(fields) and fields[index]:
        count = int(fields[index])
        paths = tuple(fields[index + 1 : index + 1 + count])
        kind, text = fields[index + 1 + count], fields[index + 2 + count]
        messages.append(Message(kind, paths, text.strip()))
        index += 3 + count
    return tree, messages
