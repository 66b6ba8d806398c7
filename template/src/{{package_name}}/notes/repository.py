"""Queries for notes. A note is always looked up by owner and id together:
another user's note is simply not found."""

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Note


async def add(session: AsyncSession, note: Note) -> Note:
    session.add(note)
    await session.flush()
    await session.refresh(note)  # the database's created_at and updated_at
    return note


async def note_of(session: AsyncSession, owner_id: int, note_id: int) -> Note | None:
    return await session.scalar(select(Note).where(Note.id == note_id, Note.owner_id == owner_id))


async def notes_of(session: AsyncSession, owner_id: int, limit: int, offset: int) -> list[Note]:
    rows = await session.scalars(
        select(Note).where(Note.owner_id == owner_id).order_by(Note.id).limit(limit).offset(offset)
    )
    return list(rows)


async def update_of(
    session: AsyncSession, owner_id: int, note_id: int, changes: dict[str, Any]
) -> Note | None:
    """Set `changes` in one UPDATE (no read-modify-write for two requests to interleave)."""
    return await session.scalar(
        update(Note)
        .where(Note.id == note_id, Note.owner_id == owner_id)
        .values(**changes, updated_at=func.now())
        .returning(Note)
        .execution_options(populate_existing=True)
    )


async def delete_of(session: AsyncSession, owner_id: int, note_id: int) -> bool:
    deleted = await session.scalar(
        delete(Note).where(Note.id == note_id, Note.owner_id == owner_id).returning(Note.id)
    )
    return deleted is not None
