"""Queries for billing. Flushes, never commits: the request owns the transaction."""

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth.models import User
from .models import BillingEvent


async def record_event(
    session: AsyncSession,
    event_id: str,
    event_type: str,
    occurred_at: datetime,
    user_id: int | None,
) -> bool:
    """Record the event; False when it is already recorded (a redelivery).

    Two deliveries of one event at once: the second INSERT waits for the first
    transaction, then does nothing if it committed (or inserts if it rolled back).
    """
    inserted = await session.scalar(
        insert(BillingEvent)
        .values(id=event_id, type=event_type, occurred_at=occurred_at, user_id=user_id)
        .on_conflict_do_nothing(index_elements=[BillingEvent.id])
        .returning(BillingEvent.id)
    )
    return inserted is not None


async def locked_user(session: AsyncSession, user_id: int) -> User | None:
    """The user, locked until the transaction ends: one plan change at a time per user."""
    return await session.scalar(select(User).where(User.id == user_id).with_for_update())


async def has_newer_change(
    session: AsyncSession, user_id: int, event_id: str, occurred_at: datetime
) -> bool:
    """Whether a later event has already changed this user's plan."""
    newer = exists().where(
        BillingEvent.user_id == user_id,
        BillingEvent.occurred_at > occurred_at,
        BillingEvent.id != event_id,
    )
    return bool(await session.scalar(select(newer)))
