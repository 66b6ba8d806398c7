"""What users do with their notes. Someone else's note is 404, exactly like a missing one."""

from sqlalchemy.ext.asyncio import AsyncSession

from ..errors import NotFound
from . import repository
from .models import Note

NOT_FOUND = "No such note."


async def create(session: AsyncSession, owner_id: int, title: str, body: str) -> Note:
    return await repository.add(session, Note(owner_id=owner_id, title=title, body=body))


async def note_of(session: AsyncSession, owner_id: int, note_id: int) -> Note:
    note = await repository.note_of(session, owner_id, note_id)
    if note is None:
        raise NotFound(NOT_FOUND)
    return note


async def update(
    session: AsyncSession, owner_id: int, note_id: int, changes: dict[str, str]
) -> Note:
    note = await repository.update_of(session, owner_id, note_id, changes)
    if note is None:
        raise NotFound(NOT_FOUND)
    return note


async def delete(session: AsyncSession, owner_id: int, note_id: int) -> None:
    if not await repository.delete_of(session, owner_id, note_id):
        raise NotFound(NOT_FOUND)
