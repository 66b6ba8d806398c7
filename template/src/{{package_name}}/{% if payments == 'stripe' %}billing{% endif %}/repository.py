"""Queries for billing. Flushes, never commits: the request owns the transaction."""

from collections.abc import Set
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth.models import User
from .models import BillingEvent, Subscription


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


async def save_subscription(
    session: AsyncSession,
    *,
    subscription_id: str,
    user_id: int,
    status: str,
    price_id: str | None,
    changed_at: datetime,
    final_statuses: Set[str],
) -> bool:
    """Store the subscription's state as of `changed_at`; False when the row already
    holds a later state, or a final one (the event is stale).

    Equal times apply (Stripe's `created` counts seconds; both events are then current).
    """
    values = {"status": status, "price_id": price_id, "changed_at": changed_at}
    row = insert(Subscription).values(id=subscription_id, user_id=user_id, **values)
    saved = await session.scalar(
        row.on_conflict_do_update(
            index_elements=[Subscription.id],
            set_=values,
            where=(Subscription.changed_at <= changed_at)
            & Subscription.status.not_in(final_statuses),
        ).returning(Subscription.id)
    )
    return saved is not None


async def has_subscription(
    session: AsyncSession, user_id: int, price_id: str, statuses: Set[str]
) -> bool:
    """Whether the user has a subscription to `price_id` in one of `statuses`."""
    found = exists().where(
        Subscription.user_id == user_id,
        Subscription.price_id == price_id,
        Subscription.status.in_(statuses),
    )
    return bool(await session.scalar(select(found)))
