"""The job worker: runs the registered tasks with retries, until SIGTERM.

- A task that raises is tried again after an exponential back-off (2 s, 4 s, 8 s, ...
  capped at JOB_RETRY_MAX_SECONDS), JOB_RETRIES times; then the job stays in the queue
  as `failed` (the dead letters: `<package> jobs failed`, `<package> jobs retry`).
- SIGTERM (or Ctrl-C) lets the jobs in progress finish, then exits. A worker killed
  outright stops sending heartbeats: after HEARTBEAT its jobs are picked again, so a
  task may run twice and must be safe to run twice (sending one mail twice is the
  worst allowed outcome).
- The database going away ends the worker's connection; it connects again after
  RESTART_DELAY, by itself, and carries on.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pgqueuer
import structlog
from pgqueuer import DatabaseRetryEntrypointExecutor, PgQueuer
from pgqueuer.executors import EntrypointExecutorParameters
from pgqueuer.models import Job
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..db.engine import create_engine, create_sessionmaker
from ..settings import Settings
from .queue import decode

logger = structlog.get_logger(__name__)

FIRST_RETRY_DELAY = timedelta(seconds=2)
# A job whose worker sent no heartbeat for this long is picked again.
HEARTBEAT = timedelta(seconds=10)
# How often an idle worker looks for due jobs besides the database's notifications
# (retries come due without one).
POLL_EVERY = timedelta(seconds=2)
RESTART_DELAY = timedelta(seconds=2)


@dataclass(frozen=True)
class TaskContext:
    """What a task gets besides its payload."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]


Task = Callable[[dict[str, Any], TaskContext], Awaitable[None]]


def _retrying(settings: Settings) -> Callable[[EntrypointExecutorParameters], Any]:
    def executor(parameters: EntrypointExecutorParameters) -> DatabaseRetryEntrypointExecutor:
        return DatabaseRetryEntrypointExecutor(
            parameters=parameters,
            max_attempts=settings.job_retries,
            initial_delay=FIRST_RETRY_DELAY,
            max_delay=timedelta(seconds=settings.job_retry_max_seconds),
            backoff_multiplier=2.0,
        )

    return executor


def _entrypoint(name: str, task: Task, context: TaskContext) -> Callable[[Job], Awaitable[None]]:
    async def run(job: Job) -> None:
        log = logger.bind(task=name, job_id=int(job.id), attempt=job.attempts + 1)
        try:
            await task(decode(job.payload), context)
        except Exception as error:
            log.warning("job failed", error=f"{type(error).__name__}: {error}")
            raise
        log.info("job done")

    return run


def worker_factory(
    settings: Settings, tasks: Mapping[str, Task]
) -> Callable[[], AsyncIterator[PgQueuer]]:
    """What pgqueuer's supervisor calls for each (re)start: a queue on a fresh connection,
    and an engine for the tasks' own sessions."""

    @asynccontextmanager
    async def create() -> AsyncIterator[PgQueuer]:
        engine = create_engine(settings)
        context = TaskContext(settings, create_sessionmaker(engine))
        try:
            async with engine.connect() as connection:
                # A connection of its own for listening; SQLAlchemy's settings (timeouts,
                # TLS) made it, and the tasks never share it.
                raw = await connection.get_raw_connection()
                queue = PgQueuer.from_asyncpg_connection(raw.driver_connection)
                for name, task in tasks.items():
                    queue.entrypoint(name, on_failure="hold", executor_factory=_retrying(settings))(
                        _entrypoint(name, task, context)
                    )
                logger.info("worker ready", tasks=sorted(tasks))
                yield queue
        finally:
            await engine.dispose()

    return create  # type: ignore[return-value]  # an async context manager factory


async def run_worker(settings: Settings, tasks: Mapping[str, Task]) -> None:
    """Run until SIGTERM or SIGINT; reconnect by itself when the database goes away."""
    await pgqueuer.run(
        worker_factory(settings, tasks),
        dequeue_timeout=POLL_EVERY,
        heartbeat_timeout=HEARTBEAT,
        restart_on_failure=True,
        restart_delay=RESTART_DELAY,
    )
