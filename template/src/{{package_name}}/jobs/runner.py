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
- Operated like the API: GET /metrics and GET /healthz on WORKER_METRICS_PORT
  (jobs/metrics.py, jobs/health.py). Each look for jobs the database answers is a
  heartbeat; /healthz fails once there was none for STALE_AFTER.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pgqueuer
import structlog
from pgqueuer import AsyncpgDriver, DatabaseRetryEntrypointExecutor, PgQueuer, Queries
from pgqueuer.executors import EntrypointExecutorParameters
from pgqueuer.models import Job, Schedule
from pgqueuer.ports.repository import EntrypointExecutionParameter
from pgqueuer.types import QueueEntrypoint, QueueManagerId
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..db.engine import create_engine, create_sessionmaker
from ..settings import Settings
from .health import Heartbeat, serve_operations
from .metrics import WorkerMetrics, keep_measuring, worker_registry
from .queue import decode

logger = structlog.get_logger(__name__)

FIRST_RETRY_DELAY = timedelta(seconds=2)
# A job whose worker sent no heartbeat for this long is picked again.
HEARTBEAT = timedelta(seconds=10)
# How often an idle worker looks for due jobs besides the database's notifications
# (retries come due without one).
POLL_EVERY = timedelta(seconds=2)
RESTART_DELAY = timedelta(seconds=2)
# No answer from the database to a look for jobs for this long (the loop looks every
# POLL_EVERY) and the worker is unhealthy: its loop is stuck, or its database gone.
STALE_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class TaskContext:
    """What a task gets besides its payload."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]


Task = Callable[[dict[str, Any], TaskContext], Awaitable[None]]


@dataclass(frozen=True)
class Periodic:
    """A task run on a schedule rather than queued: `cron` is a crontab expression. With
    several workers, each due run happens once (pgqueuer's schedules table decides)."""

    cron: str
    run: Callable[[TaskContext], Awaitable[None]]


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


class _BeatingQueries(Queries):
    """pgqueuer's queries; each look for jobs the database answers is a heartbeat."""

    def __init__(self, driver: AsyncpgDriver, heartbeat: Heartbeat) -> None:
        super().__init__(driver)
        self.heartbeat = heartbeat

    async def dequeue(
        self,
        batch_size: int,
        entrypoints: dict[QueueEntrypoint, EntrypointExecutionParameter],
        queue_manager_id: QueueManagerId,
        global_concurrency_limit: int | None,
        heartbeat_timeout: timedelta,
    ) -> list[Job]:
        jobs = await super().dequeue(
            batch_size, entrypoints, queue_manager_id, global_concurrency_limit, heartbeat_timeout
        )
        self.heartbeat.beat()
        return jobs


def _entrypoint(
    name: str, task: Task, context: TaskContext, metrics: WorkerMetrics
) -> Callable[[Job], Awaitable[None]]:
    async def run(job: Job) -> None:
        log = logger.bind(task=name, job_id=int(job.id), attempt=job.attempts + 1)
        try:
            await task(decode(job.payload), context)
        except Exception as error:
            metrics.failed_tries[name] += 1
            log.warning("job failed", error=f"{type(error).__name__}: {error}")
            raise
        metrics.done[name] += 1
        log.info("job done")

    return run


def _scheduled(
    name: str, periodic: Periodic, context: TaskContext
) -> Callable[[Schedule], Awaitable[None]]:
    async def run(_: Schedule) -> None:
        try:
            await periodic.run(context)
        except Exception as error:
            # The next due run tries again; nothing is queued.
            logger.warning(
                "periodic task failed", task=name, error=f"{type(error).__name__}: {error}"
            )
            raise

    return run


def worker_factory(
    settings: Settings,
    tasks: Mapping[str, Task],
    periodic: Mapping[str, Periodic],
    heartbeat: Heartbeat,
    metrics: WorkerMetrics,
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
                driver = AsyncpgDriver(raw.driver_connection)
                queue = PgQueuer(driver, queries=_BeatingQueries(driver, heartbeat))
                for name, task in tasks.items():
                    queue.entrypoint(name, on_failure="hold", executor_factory=_retrying(settings))(
                        _entrypoint(name, task, context, metrics)
                    )
                for name, scheduled in periodic.items():
                    queue.schedule(name, scheduled.cron)(_scheduled(name, scheduled, context))
                logger.info("worker ready", tasks=sorted(tasks), periodic=sorted(periodic))
                yield queue
        finally:
            await engine.dispose()

    return create  # type: ignore[return-value]  # an async context manager factory


async def run_worker(
    settings: Settings,
    tasks: Mapping[str, Task],
    periodic: Mapping[str, Periodic] | None = None,
    *,
    metrics_host: str = "127.0.0.1",
) -> None:
    """Run until SIGTERM or SIGINT; reconnect by itself when the database goes away.

    /metrics and /healthz are served on `metrics_host`, port WORKER_METRICS_PORT.
    """
    heartbeat = Heartbeat(STALE_AFTER)
    metrics = WorkerMetrics(tasks, heartbeat)
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    server = serve_operations(
        metrics_host, settings.worker_metrics_port, heartbeat, worker_registry(metrics), token
    )
    # An engine of its own for measuring the queue: it outlives the queue's restarts.
    engine = create_engine(settings)
    measuring = asyncio.create_task(keep_measuring(engine, metrics))
    try:
        await pgqueuer.run(
            worker_factory(settings, tasks, periodic or {}, heartbeat, metrics),
            dequeue_timeout=POLL_EVERY,
            heartbeat_timeout=HEARTBEAT,
            restart_on_failure=True,
            restart_delay=RESTART_DELAY,
        )
    finally:
        measuring.cancel()
        with suppress(asyncio.CancelledError):
            await measuring
        await engine.dispose()
        if server is not None:
            server.shutdown()
            server.server_close()
