"""The worker's Prometheus metrics, served on its own port (jobs/health.py).

Counted by each worker: the jobs it finished and the tries that raised, by task, and
how long ago its loop last had an answer from the database (its heartbeat).
Measured from the database by each worker every MEASURE_EVERY, in one query on
pgqueuer's table (never in a request): the jobs queued, how long the oldest job due to
run has waited, and the dead letters (jobs that failed every try), by task. Every
worker reports the same measured numbers: alert on their max, never their sum.

The numbers are plain values in a registry of the worker's own, read at each scrape:
PROMETHEUS_MULTIPROC_DIR (the web workers' shared files) plays no part here.
"""

import asyncio
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import structlog
from pgqueuer.domain.settings import db_settings
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from .health import Heartbeat

logger = structlog.get_logger(__name__)

MEASURE_EVERY = timedelta(seconds=15)
MEASURE_TIMEOUT_SECONDS = 5.0
# Named once, so `except` reads (and is formatted) the same on every targeted Python.
DATABASE_UNREACHABLE = (TimeoutError, OSError, SQLAlchemyError)

# `queued` jobs include retries waiting for their time; the age is that of jobs due now
# (execute_after passed), so a retry in back-off does not count as waiting. `failed` is
# what on_failure="hold" keeps after the last try. Served by the partial index on queued
# jobs; failed ones are few (done jobs leave the table).
_QUEUE_QUERY = """
SELECT entrypoint, status::text AS status, count(*) AS jobs,
       coalesce(extract(epoch FROM now() - min(execute_after)
                FILTER (WHERE execute_after <= now())), 0)::float AS oldest_due_seconds
FROM {table}
WHERE status IN ('queued', 'failed')
GROUP BY entrypoint, status
"""


@dataclass(frozen=True)
class QueueState:
    """The queue as last measured, by task."""

    queued: dict[str, int] = field(default_factory=dict)
    oldest_due_seconds: dict[str, float] = field(default_factory=dict)
    dead_letters: dict[str, int] = field(default_factory=dict)


class WorkerMetrics:
    """A collector: this worker's counts and the last measured queue, read at each scrape
    (from the HTTP server's thread: the queue state is replaced whole, never changed)."""

    def __init__(self, tasks: Iterable[str], heartbeat: Heartbeat) -> None:
        self.tasks = sorted(tasks)
        self.heartbeat = heartbeat
        # Every registered task from zero, so that rate() sees the first job.
        self.done: Counter[str] = Counter(dict.fromkeys(self.tasks, 0))
        self.failed_tries: Counter[str] = Counter(dict.fromkeys(self.tasks, 0))
        self.queue = QueueState()

    def collect(self) -> Iterator[Metric]:
        queue = self.queue
        # Registered tasks with nothing queued read 0; tasks no longer registered that
        # still have jobs are shown too (nothing will run them).
        tasks = sorted({*self.tasks, *queue.queued, *queue.dead_letters})
        families: list[tuple[GaugeMetricFamily | CounterMetricFamily, dict[str, float]]] = [
            (
                GaugeMetricFamily(
                    "jobs_queued",
                    "Jobs waiting in the queue (retries waiting for their time included)",
                    labels=["task"],
                ),
                {task: queue.queued.get(task, 0) for task in tasks},
            ),
            (
                GaugeMetricFamily(
                    "jobs_queued_oldest_age_seconds",
                    "Seconds the oldest job due to run has waited for a worker",
                    labels=["task"],
                ),
                {task: queue.oldest_due_seconds.get(task, 0.0) for task in tasks},
            ),
            (
                GaugeMetricFamily(
                    "jobs_dead_letters",
                    "Jobs that failed every try, kept as failed (`jobs failed`, `jobs retry`)",
                    labels=["task"],
                ),
                {task: queue.dead_letters.get(task, 0) for task in tasks},
            ),
            (
                CounterMetricFamily("jobs_done", "Jobs this worker finished", labels=["task"]),
                dict(self.done),
            ),
            (
                CounterMetricFamily(
                    "jobs_failed_tries",
                    "Tries of a job that raised on this worker (retried, or kept as failed)",
                    labels=["task"],
                ),
                dict(self.failed_tries),
            ),
        ]
        for family, values in families:
            for task, value in sorted(values.items()):
                family.add_metric([task], value)
            yield family
        yield GaugeMetricFamily(
            "jobs_worker_poll_age_seconds",
            "Seconds since this worker's loop last had an answer from the database",
            value=self.heartbeat.age,
        )


def worker_registry(metrics: WorkerMetrics) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(metrics)
    return registry


async def measure_queue(engine: AsyncEngine) -> QueueState:
    """The queue now, in one query."""
    query = text(_QUEUE_QUERY.format(table=db_settings().qualified.queue_table))
    async with asyncio.timeout(MEASURE_TIMEOUT_SECONDS), engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    state = QueueState()
    for task, status, jobs, oldest in rows:
        if status == "queued":
            state.queued[task] = int(jobs)
            state.oldest_due_seconds[task] = float(oldest)
        else:
            state.dead_letters[task] = int(jobs)
    return state


async def keep_measuring(engine: AsyncEngine, metrics: WorkerMetrics) -> None:
    """Measure the queue every MEASURE_EVERY, until cancelled."""
    while True:
        try:
            metrics.queue = await measure_queue(engine)
        except DATABASE_UNREACHABLE as error:
            # The last numbers stay; a worker without its database fails /healthz anyway.
            logger.warning("job queue not measured", error=type(error).__name__)
        await asyncio.sleep(MEASURE_EVERY.total_seconds())
