"""The temporary directory an update renders and merges in, removed on every way out.

`TemporaryDirectory` removes it on a normal exit, an exception, Ctrl-C and SIGTERM (which
`interrupts.terminate_as_interrupt` turns into `KeyboardInterrupt`). Only a kill leaves
it behind: each one holds its owner's pid, and the next update removes those whose owner
is dead.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "scaffold-update-"
OWNER = "owner.pid"
_UNOWNED_AFTER = 24 * 3600  # seconds: made by a scaffold that wrote no pid file, surely done


@contextmanager
def update_workdir() -> Iterator[Path]:
    """A fresh `scaffold-update-*` directory in the system's temporary directory."""
    remove_stale_workdirs()
    with tempfile.TemporaryDirectory(prefix=PREFIX) as name:
        work = Path(name)
        (work / OWNER).write_text(f"{os.getpid()}\n", encoding="ascii")
        yield work


def remove_stale_workdirs() -> list[Path]:
    """Remove the directories of killed updates (owner dead, or no owner and a day old);
    return them. Never one of a live process, nor another user's."""
    removed = []
    try:
        candidates = list(Path(tempfile.gettempdir()).glob(f"{PREFIX}*"))
    except OSError:
        return []  # an unreadable temporary directory: nothing to tidy
    for directory in candidates:
        if _is_stale(directory):
            shutil.rmtree(directory, ignore_errors=True)
            removed.append(directory)
    return removed


def _is_stale(directory: Path) -> bool:
    try:
        info = directory.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False  # a symlink, a file or someone else's: not ours to remove
        owner = int((directory / OWNER).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return _unowned_and_old(directory)
    return owner != os.getpid() and not _alive(owner)


def _unowned_and_old(directory: Path) -> bool:
    try:
        info = directory.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and time.time() - info.st_mtime > _UNOWNED_AFTER
    )


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return False
    return True
