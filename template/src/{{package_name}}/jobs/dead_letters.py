"""The jobs that failed every try (kept as `failed`): listed, and queued again."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from pgqueuer import AsyncpgDriver, Queries
from pgqueuer.models import JobId

from ..db.engine import create_engine
from ..settings import Settings


@dataclass(frozen=True)
class FailedJob:
    id: int
    task: str
    created_at: datetime
    tries: int


@asynccontextmanager
async def _queries(settings: Settings) -> AsyncIterator[Queries]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            yield Queries(AsyncpgDriver(raw.driver_connection))
    finally:
        await engine.dispose()


async def failed_jobs(settings: Settings, limit: int = 100) -> list[FailedJob]:
    """The newest failed jobs first."""
    async with _queries(settings) as queries:
        jobs = await queries.list_failed_jobs(limit=limit)
    return [FailedJob(int(job.id), job.entrypoint, job.created, job.attempts + 1) for job in jobs]


async def retry_jobs(settings: Settings, ids: list[int]) -> int:
    """Queue these failed jobs again (each gets every try anew); returns how many."""
    async with _queries(settings) as queries:
        failed = {int(job.id) for job in await queries.list_failed_jobs(limit=10_000)}
        chosen = [JobId(job_id) for job_id in ids if job_id in failed]
        if chosen:
            await queries.requeue_jobs(chosen)
    return len(chosen)
