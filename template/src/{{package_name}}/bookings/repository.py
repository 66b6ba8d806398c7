"""Queries for slots and bookings. A user's bookings are always looked up by
owner and id together: another user's booking is simply not found."""

from collections.abc import Sequence

from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Booking, Slot


async def add(session: AsyncSession, row: Slot | Booking) -> None:
    session.add(row)
    await session.flush()


async def slots_page(session: AsyncSession, limit: int, offset: int) -> list[tuple[Slot, bool]]:
    """Slots by start time, each with whether it is still free."""
    rows = await session.execute(
        select(Slot, Booking.id.is_(None))
        .outerjoin(Booking, Booking.slot_id == Slot.id)
        .order_by(Slot.starts_at, Slot.id)
        .limit(limit)
        .offset(offset)
    )
    return [(slot, available) for slot, available in rows.all()]


async def slot(session: AsyncSession, slot_id: int) -> Slot | None:
    return await session.get(Slot, slot_id)


async def booking_of(session: AsyncSession, user_id: int, booking_id: int) -> Booking | None:
    return await session.scalar(
        select(Booking).where(Booking.id == booking_id, Booking.user_id == user_id)
    )


async def bookings_of(
    session: AsyncSession, user_id: int, limit: int, offset: int
) -> Sequence[RowMapping]:
    """A page of the user's bookings as plain rows (the fields of `BookingOut`).

    Lists skip the ORM's object bookkeeping (identity map, change tracking): it
    cost more than the rest of the request, and nothing here is modified.
    """
    rows = await session.execute(
        select(
            Booking.id,
            Booking.slot_id,
            Slot.starts_at,
            Slot.ends_at,
            Booking.note,
            Booking.version,
            Booking.created_at,
            Booking.updated_at,
        )
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.user_id == user_id)
        .order_by(Booking.id)
        .limit(limit)
        .offset(offset)
    )
    return rows.mappings().all()
