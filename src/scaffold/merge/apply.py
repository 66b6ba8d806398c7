"""Writing a computed update into the project: all of it, or (on any failure) none of it.

Every path about to change is saved first (bytes, mode, times), in memory and in a
journal in the git directory (`journal.py`); if anything fails or the user presses
Ctrl-C while writing, each saved path is put back, the directories made are removed and
the ones removed are made again. If the process dies instead (SIGKILL, a power cut), the
next scaffold run does the same from the journal. Files are fsynced before the journal
goes. Apart from the journal, only the work tree is written: `.git` is never touched.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

from scaffold.errors import ScaffoldError
from scaffold.interrupts import interrupts_deferred
from scaffold.merge.journal import Before, Journal, Location, temporary_path
from scaffold.merge.scratch import Change

_SYMLINK = "120000"
_EXECUTABLE = "100755"


def apply_changes(
    root: Path,
    changes: list[Change],
    contents: Mapping[str, bytes],
    journal: Location | None = None,
) -> None:
    """Make the files under `root` match `changes`; `contents` maps blob ids to bytes.

    With `journal`, the previous state is committed there before the first file changes
    and removed once every new file is on disk: a kill or a power cut in between is
    undone by `journal.recover` on the next run.
    """
    for change in changes:
        target = root / change.path
        if change.new is not None and target.is_dir() and not target.is_symlink():
            raise ScaffoldError(
                f"cannot write {change.path}: a directory of that name is in the way "
                "(move it, then update again)"
            )
    before = Before.take(root, [change.path for change in changes])
    log: Journal | None = None
    try:
        if journal is not None:
            log = Journal.commit(journal, before)
        try:
            _write_changes(root, changes, contents)
            before.sync()
        except BaseException as error:
            with interrupts_deferred():
                _restore(before, error, journal=log is not None)
                if log is not None:
                    with suppress(ScaffoldError):  # kept, the next run finds all as it was
                        log.remove()
            if isinstance(error, OSError):
                raise ScaffoldError(
                    f"the update could not be written ({error}); the project was restored as it was"
                ) from error
            raise
        if log is not None:
            log.remove()
    finally:
        if log is not None:
            log.close()


def _write_changes(root: Path, changes: list[Change], contents: Mapping[str, bytes]) -> None:
    for change in changes:  # deletions first: a file may become a directory
        if change.new is None:
            _delete(root / change.path, root)
    for change in changes:
        if change.new is not None:
            _make_parents((root / change.path).parent)
            _write(root / change.path, change.new.mode, contents[change.new.blob])


def _restore(before: Before, error: BaseException, *, journal: bool) -> None:
    try:
        before.restore()
    except OSError as failure:
        again = "; its journal keeps the previous files: run scaffold check to finish"
        raise ScaffoldError(
            f"the update could not be written ({error}), and restoring the project failed "
            f"too ({failure}){again if journal else ''}"
        ) from failure


def _delete(path: Path, root: Path) -> None:
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _make_parents(directory: Path) -> None:
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for new in reversed(missing):
        new.mkdir()


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
    if current is not None and bool(current & 0o111) == executable:
        permissions = stat.S_IMODE(current)  # keep the user's permission bits
    else:
        umask = _umask()
        permissions = (0o777 if executable else 0o666) & ~umask
    temporary = temporary_path(path)  # the name the journal's restore clears
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fchmod(descriptor, permissions)
        os.fsync(descriptor)  # on disk before the journal that could undo it goes
    finally:
        os.close(descriptor)
    os.replace(temporary, path)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
