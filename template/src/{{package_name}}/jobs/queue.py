"""Enqueueing a job in the caller's transaction: the transactional outbox.

The job row is written through the request's own connection, inside its transaction:
if the request rolls back, the job never existed; once it commits, the job is there
for a worker, even if this process dies the next instant. pgqueuer's own asyncpg
driver would not do: it talks to asyncpg directly, and before SQLAlchemy has sent a
first statement that connection is not inside the transaction yet.
"""

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, NoReturn

from pgqueuer import Queries
from pgqueuer.models import JobId
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


class _TransactionDriver:
    """The part of pgqueuer's driver protocol that enqueueing uses (plain queries),
    over a SQLAlchemy connection: SQLAlchemy keeps the transaction."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def fetch(self, query: str, *args: object) -> list[dict[str, object]]:
        result = await self.connection.exec_driver_sql(query, args)
        return [dict(row._mapping) for row in result] if result.returns_rows else []

    async def execute(self, query: str, *args: object) -> str:
        await self.connection.exec_driver_sql(query, args)
        return ""

    def __getattr__(self, name: str) -> NoReturn:
        # Listening and notifying belong to the worker's own connection.
        raise AttributeError(f"enqueueing does not use the driver's {name}")


def encode(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def decode(raw: bytes | None) -> dict[str, Any]:
    value = json.loads(raw or b"{}")
    if not isinstance(value, dict):
        raise ValueError("a job payload is a JSON object")
    return value


async def enqueue(
    session: AsyncSession,
    task: str,
    payload: Mapping[str, Any],
    *,
    delay: timedelta | None = None,
) -> JobId:
    """Add the job `task` with `payload` (JSON) to the session's transaction."""
    connection = await session.connection()
    queries = Queries(_TransactionDriver(connection))
    [job_id] = await queries.enqueue(task, encode(payload), execute_after=delay)
    return job_id
