"""Signals that end a command early: handled so that cleanup code runs, never half of it.

SIGINT (Ctrl-C) already raises `KeyboardInterrupt`; `terminate_as_interrupt` makes SIGTERM
(`kill`, a CI job cancelled, systemd stopping a service) do the same, so the `except` and
`finally` blocks that restore a project and remove temporary directories run for it too.
`interrupts_deferred` holds both back while such a block runs.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_DEFERRED = (signal.SIGINT, signal.SIGTERM)


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises `KeyboardInterrupt` as Ctrl-C does (main thread only:
    Python runs signal handlers there); the previous handler is put back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Let SIGINT and SIGTERM wait until the block (a restore) is done, then deliver them to
    the handlers that were in place: a second Ctrl-C must not stop a restore halfway."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = {
        signum: signal.signal(signum, lambda signum, _frame: pending.append(signum))
        for signum in _DEFERRED
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
    for waiting in dict.fromkeys(pending):
        signal.raise_signal(waiting)
