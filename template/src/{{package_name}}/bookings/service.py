"""Booking rules. The database settles races (unique and exclusion constraints,
version checks); this module turns what it says into errors the client understands."""

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from ..auth.models import User
from ..db.sqlstate import EXCLUSION_VIOLATION, UNIQUE_VIOLATION, sqlstate
from ..errors import Conflict, NotFound, PreconditionFailed
from . import repository
from .models import Booking, Slot

BOOKING_NOT_FOUND = "No such booking."
STALE_VERSION = "The booking has changed since you read it: fetch it again, then retry."


async def _add(session: AsyncSession, row: Slot | Booking, violation: str, conflict: str) -> None:
    """Insert `row`; the constraint `violation` the database reports becomes 409 `conflict`."""
    try:
        await repository.add(session, row)
    except IntegrityError as error:
        if sqlstate(error) == violation:
            raise Conflict(conflict) from None
        raise


async def _flush_checking_version(
    session: AsyncSession, booking: Booking, expected_version: int | None
) -> None:
    """Write the pending change of `booking` read at `expected_version` (None: any).

    Checked twice: against the version just read, and by the UPDATE/DELETE itself
    (WHERE version = <read>), which misses if a concurrent edit committed since.
    """
    if expected_version is not None and booking.version != expected_version:
        raise PreconditionFailed(STALE_VERSION)
    try:
        await session.flush()
    except StaleDataError:
        raise PreconditionFailed(STALE_VERSION) from None


async def create_slot(session: AsyncSession, starts_at: datetime, ends_at: datetime) -> Slot:
    slot = Slot(starts_at=starts_at, ends_at=ends_at)
    await _add(session, slot, EXCLUSION_VIOLATION, "This slot overlaps an existing slot.")
    return slot


async def book(session: AsyncSession, user: User, slot_id: int, note: str) -> Booking:
    slot = await repository.slot(session, slot_id)
    if slot is None:
        raise NotFound("No such slot.")
    if slot.starts_at <= datetime.now(UTC):
        raise Conflict("This slot has already started.")
    booking = Booking(slot=slot, user_id=user.id, note=note)
    await _add(session, booking, UNIQUE_VIOLATION, "This slot is already booked.")
    await session.refresh(booking, ["created_at", "updated_at"])
    return booking


async def booking_of(session: AsyncSession, user: User, booking_id: int) -> Booking:
    booking = await repository.booking_of(session, user.id, booking_id)
    if booking is None:
        raise NotFound(BOOKING_NOT_FOUND)
    return booking


async def update_note(
    session: AsyncSession, user: User, booking_id: int, expected_version: int | None, note: str
) -> Booking:
    """Change the note of a booking the caller read at `expected_version` (None: any)."""
    booking = await booking_of(session, user, booking_id)
    booking.note = note
    await _flush_checking_version(session, booking, expected_version)
    await session.refresh(booking, ["updated_at"])
    return booking


async def cancel(
    session: AsyncSession, user: User, booking_id: int, expected_version: int | None
) -> None:
    booking = await booking_of(session, user, booking_id)
    await session.delete(booking)
    await _flush_checking_version(session, booking, expected_version)
