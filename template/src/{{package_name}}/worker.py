"""What `<package> worker` runs: every background task of the app, by name.

A task is an async function of its payload (a JSON object) and a TaskContext; add a new
one here under a stable name (jobs already queued refer to it by that name).
"""

import asyncio

from .email.jobs import SEND_MAIL, send_mail
from .jobs.runner import Task, run_worker
from .settings import Settings

TASKS: dict[str, Task] = {
    SEND_MAIL: send_mail,
}


def work(settings: Settings) -> None:
    """Run the worker until SIGTERM or Ctrl-C."""
    asyncio.run(run_worker(settings, TASKS))
