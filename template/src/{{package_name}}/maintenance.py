"""Periodic clean-up, run by the worker on a schedule: the rows that can open nothing
any more (expired or idle sessions, expired mailed-link tokens, forgotten idempotency
keys). Nothing depends on it for correctness (every check also looks at the expiry):
it keeps the tables from growing without end."""

from datetime import UTC, datetime, timedelta

import structlog

from .auth import repository as accounts
from .jobs.runner import TaskContext
from .kit import idempotency

logger = structlog.get_logger(__name__)

PURGE_EXPIRED = "maintenance.purge_expired"
PURGE_EVERY = "*/15 * * * *"  # cron: every 15 minutes


async def purge_expired(context: TaskContext) -> None:
    now = datetime.now(UTC)
    idle_since = now - timedelta(minutes=context.settings.session_idle_minutes)
    async with context.sessions() as session, session.begin():
        sessions, links = await accounts.delete_expired(session, now, idle_since)
        keys = await idempotency.delete_forgotten(session, now)
    # The log redacts fields named like a session or a token: these are counts.
    logger.info(
        "expired rows purged", signed_in_devices=sessions, mailed_links=links, idempotency_keys=keys
    )
