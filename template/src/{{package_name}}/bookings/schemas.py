from datetime import UTC, datetime, timedelta
from typing import Self

from pydantic import AwareDatetime, Field, field_validator, model_validator

from ..kit.pagination import PageOut
from ..kit.schemas import MAX_ID, RequestModel, ResponseModel
from .models import NOTE_MAX_LENGTH, Booking

MAX_SLOT_LENGTH = timedelta(days=1)
# How far ahead a slot may be opened: a typo in the year (2062) is refused, and no date
# is too large to convert to UTC (9999-12-31T20:00-05:00 is in the year 10000).
MAX_SLOT_HORIZON = timedelta(days=5 * 366)


class SlotCreate(RequestModel):
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _in_the_bookable_future(cls, moment: datetime) -> datetime:
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:
            raise ValueError("this date cannot be stored") from None
        now = datetime.now(UTC)
        if moment <= now:
            raise ValueError("must be in the future")
        if moment > now + MAX_SLOT_HORIZON:
            raise ValueError("must be within five years from now")
        return moment

    @model_validator(mode="after")
    def _a_sane_interval(self) -> Self:
        if not timedelta(0) < self.ends_at - self.starts_at <= MAX_SLOT_LENGTH:
            raise ValueError("ends_at must be after starts_at, by one day at most")
        return self


class SlotOut(ResponseModel):
    id: int
    starts_at: datetime
    ends_at: datetime
    available: bool


class SlotPage(PageOut):
    items: list[SlotOut]


class BookingCreate(RequestModel):
    slot_id: int = Field(ge=1, le=MAX_ID)
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class BookingUpdate(RequestModel):
    note: str = Field(max_length=NOTE_MAX_LENGTH)


class BookingOut(ResponseModel):
    id: int
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    note: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, booking: Booking) -> Self:
        return cls(
            id=booking.id,
            slot_id=booking.slot_id,
            starts_at=booking.slot.starts_at,
            ends_at=booking.slot.ends_at,
            note=booking.note,
            version=booking.version,
            created_at=booking.created_at,
            updated_at=booking.updated_at,
        )


class BookingPage(PageOut):
    items: list[BookingOut]
