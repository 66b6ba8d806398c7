from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response, status

from ..auth.dependencies import AdminUser, CurrentUser, VerifiedUser, current_user_id
from ..db.session import SessionDep
from ..errors import PreconditionRequired
from ..kit.idempotency import Idempotent, guard
from ..kit.pagination import PageDep
from ..kit.schemas import MAX_ID
from . import repository, service
from .etags import etag, version_matched
from .schemas import (
    BookingCreate,
    BookingOut,
    BookingPage,
    BookingUpdate,
    SlotCreate,
    SlotOut,
    SlotPage,
)

slots_router = APIRouter(prefix="/slots", tags=["slots"])
router = APIRouter(prefix="/bookings", tags=["bookings"])

BookingId = Annotated[int, Path(ge=1, le=MAX_ID)]
IfMatch = Annotated[
    str | None,
    Header(max_length=200, description="The ETag of the booking as you last read it"),
]


@slots_router.post("", status_code=status.HTTP_201_CREATED)
async def create_slot(body: SlotCreate, _admin: AdminUser, session: SessionDep) -> SlotOut:
    """Open a slot for booking (administrators). Overlapping an existing slot is 409."""
    slot = await service.create_slot(session, body.starts_at, body.ends_at)
    return SlotOut(id=slot.id, starts_at=slot.starts_at, ends_at=slot.ends_at, available=True)


@slots_router.get("")
async def list_slots(_user: CurrentUser, session: SessionDep, page: PageDep) -> SlotPage:
    rows = await repository.slots_page(session, page.limit, page.offset)
    items = [
        SlotOut(id=slot.id, starts_at=slot.starts_at, ends_at=slot.ends_at, available=available)
        for slot, available in rows
    ]
    return SlotPage.of(items, page)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        403: {"description": "The caller's email address is not confirmed yet"},
        409: {"description": "The slot is taken, or the same key is in flight"},
    },
)
async def book(
    body: BookingCreate,
    user: VerifiedUser,
    session: SessionDep,
    request: Request,
    response: Response,
    once: Annotated[Idempotent, guard("book", BookingCreate, owner=current_user_id)],
) -> BookingOut:
    """Book a slot. A second booking of the same slot is 409, whoever sends it first."""
    booking = await service.book(session, user, body.slot_id, body.note)
    location = request.app.url_path_for("get_booking", booking_id=str(booking.id))
    response.headers.update({"Location": location, "ETag": etag(booking.version)})
    return once.keep(BookingOut.of(booking))


@router.get("")
async def list_bookings(user: CurrentUser, session: SessionDep, page: PageDep) -> BookingPage:
    """The caller's own bookings; nobody else's are ever listed."""
    bookings = await repository.bookings_of(session, user.id, page.limit, page.offset)
    return BookingPage.of([BookingOut.model_validate(booking) for booking in bookings], page)


@router.get("/{booking_id}")
async def get_booking(
    booking_id: BookingId, user: CurrentUser, session: SessionDep, response: Response
) -> BookingOut:
    """One of the caller's bookings; anyone else's is 404, exactly like a missing one."""
    booking = await service.booking_of(session, user, booking_id)
    response.headers["ETag"] = etag(booking.version)
    return BookingOut.of(booking)


@router.patch(
    "/{booking_id}",
    responses={
        412: {"description": "If-Match is stale: someone changed the booking since"},
        428: {"description": "If-Match is missing"},
    },
)
async def update_booking(
    booking_id: BookingId,
    body: BookingUpdate,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> BookingOut:
    """Edit a booking's note. Send the ETag you read as If-Match: a lost update becomes 412."""
    if if_match is None:
        raise PreconditionRequired("Send If-Match with the booking's ETag.")
    booking = await service.update_note(
        session, user, booking_id, version_matched(if_match), body.note
    )
    response.headers["ETag"] = etag(booking.version)
    return BookingOut.of(booking)


@router.delete("/{booking_id}", status_code=status.HTTP_204_NO_CONTENT)
async def cancel_booking(
    booking_id: BookingId, user: CurrentUser, session: SessionDep, if_match: IfMatch = None
) -> None:
    """Cancel a booking, freeing its slot; If-Match, when sent, must be current."""
    expected = version_matched(if_match) if if_match is not None else None
    await service.cancel(session, user, booking_id, expected)
