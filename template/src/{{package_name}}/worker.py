"""What `<package> worker` runs: every background task of the app, by name, and the
periodic ones.

A task is an async function of its payload (a JSON object) and a TaskContext; add a new
one here under a stable name (jobs already queued refer to it by that name). A periodic
task is an async function of a TaskContext, run on a crontab schedule.
"""

import asyncio

from .auth.account_service import SEND_PASSWORD_RESET, send_password_reset
from .email.jobs import SEND_MAIL, send_mail
from .jobs.runner import Periodic, Task, run_worker
from .maintenance import PURGE_EVERY, PURGE_EXPIRED, purge_expired
from .settings import Settings

TASKS: dict[str, Task] = {
    SEND_MAIL: send_mail,
    SEND_PASSWORD_RESET: send_password_reset,
}


PERIODIC: dict[str, Periodic] = {
    PURGE_EXPIRED: Periodic(PURGE_EVERY, purge_expired),
}


def work(settings: Settings, metrics_host: str = "127.0.0.1") -> None:
    """Run the worker until SIGTERM or Ctrl-C; /metrics and /healthz on `metrics_host`."""
    asyncio.run(run_worker(settings, TASKS, PERIODIC, metrics_host=metrics_host))
