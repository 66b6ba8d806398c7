"""Writing a computed update into the project: all of it, or (on any failure) none of it.

Every path about to change is saved first (bytes, mode, times); if anything fails or
the user presses Ctrl-C while writing, each saved path is put back, the directories
made are removed and the ones removed are made again. Only the work tree is written:
the project's `.git` is never touched.
"""

from __future__ import annotations

import os
import signal
import stat
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import ScaffoldError
from scaffold.merge.scratch import Change

_SYMLINK = "120000"
_EXECUTABLE = "100755"


@dataclass(frozen=True)
class _Saved:
    path: Path
    content: bytes | None  # None: there was nothing at this path
    link: str | None
    mode: int
    times: tuple[int, int]


def apply_changes(root: Path, changes: list[Change], contents: Mapping[str, bytes]) -> None:
    """Make the files under `root` match `changes`; `contents` maps blob ids to bytes."""
    for change in changes:
        target = root / change.path
        if change.new is not None and target.is_dir() and not target.is_symlink():
            raise ScaffoldError(
                f"cannot write {change.path}: a directory of that name is in the way "
                "(move it, then update again)"
            )
    saved = [_save(root / change.path) for change in changes]
    made: list[Path] = []
    removed: list[Path] = []
    try:
        for change in changes:  # deletions first: a file may become a directory
            if change.new is None:
                _delete(root / change.path, root, removed)
        for change in changes:
            if change.new is not None:
                _make_parents((root / change.path).parent, made)
                _write(root / change.path, change.new.mode, contents[change.new.blob])
    except BaseException as error:
        with _sigint_deferred():
            _restore(saved, made, removed)
        if isinstance(error, OSError):
            raise ScaffoldError(
                f"the update could not be written ({error}); the project was restored as it was"
            ) from error
        raise


def _save(path: Path) -> _Saved:
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):  # nothing there (or a file is a parent)
        return _Saved(path, None, None, 0, (0, 0))
    times = (info.st_atime_ns, info.st_mtime_ns)
    if stat.S_ISLNK(info.st_mode):
        return _Saved(path, b"", os.readlink(path), info.st_mode, times)
    return _Saved(path, path.read_bytes(), None, info.st_mode, times)


def _delete(path: Path, root: Path, removed: list[Path]) -> None:
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        removed.append(parent)
        parent = parent.parent


def _make_parents(directory: Path, made: list[Path]) -> None:
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for new in reversed(missing):
        new.mkdir()
        made.append(new)


def _write(path: Path, mode: str, content: bytes) -> None:
    if path.is_symlink() or (mode == _SYMLINK and path.exists()):
        path.unlink()
    if mode == _SYMLINK:
        os.symlink(os.fsdecode(content), path)
        return
    executable = mode == _EXECUTABLE
    try:
        current = path.stat().st_mode
    except FileNotFoundError:
        current = None
    temporary = path.with_name(f".{path.name}.scaffold-tmp")
    temporary.write_bytes(content)
    if current is not None and bool(current & 0o111) == executable:
        permissions = stat.S_IMODE(current)  # keep the user's permission bits
    else:
        umask = _umask()
        permissions = (0o777 if executable else 0o666) & ~umask
    os.chmod(temporary, permissions)
    os.replace(temporary, path)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _restore(saved: list[_Saved], made: list[Path], removed: list[Path]) -> None:
    for entry in saved:  # first clear what the update wrote ...
        for leftover in (entry.path, entry.path.with_name(f".{entry.path.name}.scaffold-tmp")):
            if leftover.is_symlink() or leftover.is_file():
                leftover.unlink()
    for directory in reversed(made):  # ... and the directories it made ...
        try:
            directory.rmdir()
        except OSError:
            continue  # not empty: something else lives there now
    for directory in reversed(removed):  # ... then bring back what was there
        directory.mkdir(parents=True, exist_ok=True)
    for entry in saved:
        if entry.content is None:
            continue
        entry.path.parent.mkdir(parents=True, exist_ok=True)
        if entry.link is not None:
            os.symlink(entry.link, entry.path)
            continue
        entry.path.write_bytes(entry.content)
        os.chmod(entry.path, stat.S_IMODE(entry.mode))
        os.utime(entry.path, ns=entry.times)


@contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Let a second Ctrl-C wait until the project is restored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt
