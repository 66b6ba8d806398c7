from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response, status
from fastapi.responses import JSONResponse

from ..auth.dependencies import AdminUser, CurrentUser
from ..db.session import SessionDep
from ..errors import PreconditionRequired
from ..kit import idempotency
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
    response_model=BookingOut,
    responses={409: {"description": "The slot is taken, or the same key is in flight"}},
)
async def book(
    body: BookingCreate,
    user: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    idempotency_key: idempotency.IdempotencyKey = None,
) -> BookingOut | JSONResponse:
    """Book a slot. A second booking of the same slot is 409, whoever sends it first."""
    held: idempotency.Claim | None = None
    if idempotency_key is not None:
        claimed = await idempotency.claim(session, user.id, idempotency_key, "book", body)
        if isinstance(claimed, JSONResponse):
            return claimed  # the stored response of the first request with this key
        held = claimed
    booking = await service.book(session, user, body.slot_id, body.note)
    out = BookingOut.of(booking)
    location = request.app.url_path_for("get_booking", booking_id=str(booking.id))
    headers = {"Location": location, "ETag": etag(booking.version)}
    response.headers.update(headers)
    if held is not None:
        await idempotency.remember(
            session, held, status.HTTP_201_CREATED, out.model_dump(mode="json"), headers
        )
    return out


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
