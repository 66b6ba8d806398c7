"""The update's journal: what the work tree held before an update wrote it, kept on disk so
that an update killed while writing (SIGKILL, a power cut) is undone by the next run.

`apply_changes` reads the previous state of every path it is about to change (`Before`),
commits it to `<git dir>/scaffold-update-journal` (written under a temporary name, fsynced,
renamed, directory fsynced) before the first file changes, holds a lock on it while it
writes, and removes it once the new files are on disk, or the old ones back. A journal
found later means its writer died in between: `recover` puts the previous tree back. One
never renamed into place died with its writer before anything changed: it is discarded.
The journal lives in the git directory, never in the work tree: nothing commits it, and
`git status` does not show it.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scaffold.errors import GitError, ScaffoldError
from scaffold.git import run_git
from scaffold.interrupts import interrupts_deferred

JOURNAL = "scaffold-update-journal"
_FORMAT = 1
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@dataclass(frozen=True)
class Location:
    """Where the journal of a work tree is, and where the project sits in that tree."""

    file: Path
    top: Path
    """The work tree's top level."""
    prefix: str
    """The project's directory relative to `top` (`""` or `"apps/web/"`)."""


@dataclass(frozen=True)
class Recovery:
    """What `recover` restored."""

    project: Path
    files: int
    """Paths put back (those the update had already changed)."""
    cause: str
    """`killed`, or `the machine stopped` when the journal is from before the last boot."""


def locate(path: Path) -> Location:
    """The journal of the repository holding `path` (per work tree: a linked worktree has its
    own); `GitError` when `path` is not in a work tree."""
    lines = run_git(
        "rev-parse", "--show-toplevel", "--show-prefix", "--git-path", JOURNAL, cwd=path
    ).split("\n")
    return Location(file=(path / lines[2]).resolve(), top=Path(lines[0]), prefix=lines[1])


def recover(path: str | os.PathLike[str]) -> Recovery | None:
    """Undo an update that was killed while writing the project at (or above) `path`: put back
    what its journal saved and remove the journal. None when there is nothing to undo.

    Safe to stop anywhere (killed again): the journal stays until the tree is back, and
    running this again finishes the work.
    """
    try:
        location = locate(Path(path).expanduser().resolve())
    except (GitError, OSError):
        return None  # not in a git work tree: no update can have written here
    try:
        _discard_uncommitted(location.file)
        return _recover(location)
    except OSError as error:
        raise ScaffoldError(
            f"an update was interrupted while writing, and restoring the project from its "
            f"journal {location.file} failed ({error}); fix the cause and run scaffold "
            "again (the journal is kept)"
        ) from error


@dataclass(frozen=True)
class _Saved:
    path: str
    """Relative to the project, `/`-separated (as git names it)."""
    kind: str
    """`file`, `symlink` or `absent` (nothing there)."""
    content: bytes = b""
    target: str = ""
    mode: int = 0
    times: tuple[int, int] = (0, 0)
    """(atime, mtime) in nanoseconds."""


@dataclass(frozen=True)
class Before:
    """The state of every path an update changes, and of the directories above them, before
    the update: enough to put the tree back from any point of the write."""

    root: Path
    saved: tuple[_Saved, ...]
    directories: tuple[str, ...]
    """Directories above a changed path: the write may remove them (emptied)."""
    absent: tuple[str, ...]
    """Places above a changed path that are not directories: the write may make them."""

    @classmethod
    def take(cls, root: Path, paths: Iterable[str]) -> Before:
        saved: list[_Saved] = []
        above: dict[str, bool] = {}
        for name in paths:
            saved.append(_read(root, name))
            for parent in list(PurePosixPath(name).parents)[:-1]:
                if str(parent) not in above:
                    above[str(parent)] = _is_directory(root / parent)
        return cls(
            root=root,
            saved=tuple(saved),
            directories=tuple(sorted((d for d, there in above.items() if there), key=_depth)),
            absent=tuple(sorted((d for d, there in above.items() if not there), key=_depth)),
        )

    def restore(self) -> int:
        """Put every saved path back as it was, and return how many had changed.

        Idempotent, and each step leaves a state it restores from: an interrupted restore
        is finished by running it again. Paths still as saved are left untouched.
        """
        changed = [entry for entry in self.saved if not _is_as_saved(self.root, entry)]
        for entry in self.saved:  # first clear what the update wrote ...
            _remove_file(temporary_path(self.root / entry.path))
        for entry in changed:
            _remove_file(self.root / entry.path)
        for name in reversed(self.absent):  # ... and the directories it made ...
            try:
                (self.root / name).rmdir()
            except OSError:
                continue  # not there, not a directory, or something else lives in it
        for name in self.directories:  # ... then bring back what was there
            (self.root / name).mkdir(parents=True, exist_ok=True)
        for entry in changed:
            _put_back(self.root / entry.path, entry)
        self.sync()
        return len(changed)

    def sync(self) -> None:
        """Make the changes to the directories above the saved paths durable (the files'
        contents are fsynced as they are written), before the journal goes."""
        names = {"", *self.directories, *self.absent}
        for name in sorted(names, key=_depth, reverse=True):
            if _is_directory(self.root / name):
                _fsync_directory(self.root / name)

    def _encode(self, location: Location) -> bytes:
        record = {
            "format": _FORMAT,
            "project": str(self.root),
            "prefix": location.prefix,
            "pid": os.getpid(),
            "boot": _boot_id(),
            "directories": list(self.directories),
            "absent": list(self.absent),
            "saved": [
                {
                    "path": entry.path,
                    "kind": entry.kind,
                    "content": base64.b64encode(entry.content).decode("ascii"),
                    "target": entry.target,
                    "mode": entry.mode,
                    "times": list(entry.times),
                }
                for entry in self.saved
            ],
        }
        return json.dumps(record).encode("ascii")  # ASCII: paths' odd bytes stay escaped


class Journal:
    """A journal committed to disk and locked by this process until `close`."""

    def __init__(self, file: Path, descriptor: int) -> None:
        self._file = file
        self._descriptor: int | None = descriptor

    @classmethod
    def commit(cls, location: Location, before: Before) -> Journal:
        """Write `before` where `recover` finds it, durably, before anything is changed."""
        file = location.file
        if file.exists():
            raise ScaffoldError(
                f"an earlier update of {before.root} was interrupted while writing ({file} "
                "is there): run `scaffold check` in the project to restore it first"
            )
        data = before._encode(location)
        try:
            descriptor, temporary = tempfile.mkstemp(
                prefix=f"{file.name}.", suffix=".tmp", dir=file.parent
            )
        except OSError as error:
            raise ScaffoldError(
                f"cannot write the update's journal in {file.parent} ({error}); nothing was changed"
            ) from error
        committed = False
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            _write_all(descriptor, data)
            os.fsync(descriptor)
            _commit(Path(temporary), file)
            committed = True
            _fsync_directory(file.parent)
        except BaseException as error:  # Ctrl-C included: nothing has changed, so no journal
            os.close(descriptor)
            (file if committed else Path(temporary)).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise ScaffoldError(
                    f"cannot write the update's journal {file} ({error}); nothing was changed"
                ) from error
            raise
        return cls(file, descriptor)

    def remove(self) -> None:
        """The tree is written (or restored) and synced: the journal has served."""
        try:
            _unlink_durably(self._file)
        except OSError as error:
            raise ScaffoldError(
                f"the update was written, but its journal {self._file} cannot be removed "
                f"({error}): delete it yourself, or the next scaffold run undoes the update"
            ) from error

    def close(self) -> None:
        """Release the lock (a kill releases it too)."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


def _commit(temporary: Path, file: Path) -> None:
    """The moment the journal exists: before it, nothing has changed."""
    os.replace(temporary, file)


def _recover(location: Location) -> Recovery | None:
    try:
        stream = location.file.open("rb")
    except FileNotFoundError:
        return None
    with stream:
        if not _try_lock(stream.fileno()):
            raise ScaffoldError(
                f"another scaffold process is writing an update in {location.top} right now "
                f"(it holds {location.file}): run again when it has finished"
            )
        if os.fstat(stream.fileno()).st_nlink == 0:
            return None  # its writer finished and removed it while we opened it
        before, cause = _decode(stream.read(), location)
        with interrupts_deferred():  # a Ctrl-C waits: the tree is restored in one go
            files = before.restore()
            _unlink_durably(location.file)
    return Recovery(project=before.root, files=files, cause=cause)


def _decode(data: bytes, location: Location) -> tuple[Before, str]:
    try:
        record: dict[str, Any] = json.loads(data)
        if record["format"] != _FORMAT:
            raise ValueError(f"format {record['format']!r}, this scaffold reads {_FORMAT}")
        saved = tuple(
            _Saved(
                path=str(entry["path"]),
                kind=str(entry["kind"]),
                content=base64.b64decode(entry["content"], validate=True),
                target=str(entry["target"]),
                mode=int(entry["mode"]),
                times=(int(entry["times"][0]), int(entry["times"][1])),
            )
            for entry in record["saved"]
        )
        before = Before(
            root=location.top / record["prefix"],  # not `project`: the repository may move
            saved=saved,
            directories=tuple(str(name) for name in record["directories"]),
            absent=tuple(str(name) for name in record["absent"]),
        )
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error) as error:
        raise ScaffoldError(
            f"the journal of an interrupted update, {location.file}, cannot be read "
            f"({error}); it holds the files as they were before that update: look at it, "
            "then delete it"
        ) from error
    then, now = record.get("boot"), _boot_id()
    cause = "the machine stopped" if then and now and then != now else "killed"
    return before, cause


def _discard_uncommitted(file: Path) -> None:
    """Journals whose writer died before committing them: nothing was changed."""
    for leftover in file.parent.glob(f"{file.name}.*.tmp"):
        try:
            stream = leftover.open("rb")
        except FileNotFoundError:
            continue  # committed or discarded meanwhile
        with stream:
            if _try_lock(stream.fileno()):  # a live writer holds its lock
                leftover.unlink(missing_ok=True)


def _read(root: Path, name: str) -> _Saved:
    path = root / name
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):  # nothing there (or a file is a parent)
        return _Saved(name, "absent")
    try:
        times = (info.st_atime_ns, info.st_mtime_ns)
        if stat.S_ISLNK(info.st_mode):
            return _Saved(name, "symlink", target=os.readlink(path), mode=info.st_mode, times=times)
        if not stat.S_ISREG(info.st_mode):
            raise ScaffoldError(f"cannot write {name}: it is not a regular file")
        return _Saved(name, "file", content=path.read_bytes(), mode=info.st_mode, times=times)
    except OSError as error:
        raise ScaffoldError(f"cannot read {path} ({error}); nothing was changed") from error


def _is_as_saved(root: Path, entry: _Saved) -> bool:
    path = root / entry.path
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return entry.kind == "absent"
    if entry.kind == "symlink":
        return stat.S_ISLNK(info.st_mode) and os.readlink(path) == entry.target
    return (
        entry.kind == "file"
        and stat.S_ISREG(info.st_mode)
        and stat.S_IMODE(info.st_mode) == stat.S_IMODE(entry.mode)
        and info.st_mtime_ns == entry.times[1]
        and info.st_size == len(entry.content)
        and path.read_bytes() == entry.content
    )


def _put_back(path: Path, entry: _Saved) -> None:
    """Atomically, so an interrupted restore leaves either the file or a temporary one."""
    if entry.kind == "absent":
        return
    temporary = temporary_path(path)
    if entry.kind == "symlink":
        os.symlink(entry.target, temporary)
        if os.utime in os.supports_follow_symlinks:
            os.utime(temporary, ns=entry.times, follow_symlinks=False)
    else:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        descriptor = os.open(temporary, flags, 0o600)
        try:
            _write_all(descriptor, entry.content)
            os.fchmod(descriptor, stat.S_IMODE(entry.mode))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.utime(temporary, ns=entry.times)
    os.replace(temporary, path)


def temporary_path(path: Path) -> Path:
    """The name `apply` writes a file under before renaming it into place."""
    return path.with_name(f".{path.name}.scaffold-tmp")


def _remove_file(path: Path) -> None:
    try:
        if not stat.S_ISDIR(path.lstat().st_mode):
            path.unlink()
    except (FileNotFoundError, NotADirectoryError):
        return


def _is_directory(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


def _depth(name: str) -> int:
    return len(PurePosixPath(name).parts)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _unlink_durably(file: Path) -> None:
    file.unlink(missing_ok=True)
    _fsync_directory(file.parent)


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _boot_id() -> str | None:
    try:
        return _BOOT_ID.read_text(encoding="ascii").strip() or None
    except OSError:
        return None
