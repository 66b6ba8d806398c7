from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from ..auth.dependencies import CurrentUser
from ..db.session import SessionDep
from ..kit.pagination import PageDep
from ..kit.schemas import MAX_ID
from . import repository, service
from .schemas import NoteCreate, NoteOut, NotePage, NoteUpdate

router = APIRouter(prefix="/notes", tags=["notes"])

NoteId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_note(
    body: NoteCreate, user: CurrentUser, session: SessionDep, request: Request, response: Response
) -> NoteOut:
    note = await service.create(session, user.id, body.title, body.body)
    response.headers["Location"] = request.app.url_path_for("get_note", note_id=str(note.id))
    return NoteOut.model_validate(note)


@router.get("")
async def list_notes(user: CurrentUser, session: SessionDep, page: PageDep) -> NotePage:
    """The caller's own notes; nobody else's are ever listed."""
    notes = await repository.notes_of(session, user.id, page.limit, page.offset)
    return NotePage.of([NoteOut.model_validate(note) for note in notes], page)


@router.get("/{note_id}")
async def get_note(note_id: NoteId, user: CurrentUser, session: SessionDep) -> NoteOut:
    """One of the caller's notes; anyone else's is 404, exactly like a missing one."""
    return NoteOut.model_validate(await service.note_of(session, user.id, note_id))


@router.patch("/{note_id}")
async def update_note(
    note_id: NoteId, body: NoteUpdate, user: CurrentUser, session: SessionDep
) -> NoteOut:
    """Change the fields sent; the others keep their values."""
    changes = body.model_dump(exclude_unset=True)
    return NoteOut.model_validate(await service.update(session, user.id, note_id, changes))


@router.delete("/{note_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_note(note_id: NoteId, user: CurrentUser, session: SessionDep) -> None:
    await service.delete(session, user.id, note_id)
