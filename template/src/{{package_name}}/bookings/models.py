"""Slots and bookings. The database itself makes double bookings impossible:
one booking per slot (unique), and no two slots overlap in time (exclusion)."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import Base

NOTE_MAX_LENGTH = 500
# Named by hand: the naming convention has no key for exclusion constraints.
SLOTS_NO_OVERLAP = "ex_slots_no_overlap"


class Slot(Base):
    __tablename__ = "slots"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # Two concurrent inserts of overlapping slots: the second fails, whatever the timing.
        ExcludeConstraint(
            (text("tstzrange(starts_at, ends_at)"), "&&"), using="gist", name=SLOTS_NO_OVERLAP
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Booking(Base):
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    # unique: a second booking of a slot is refused by the database, not by a check
    # that two requests could both pass before either inserts.
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="RESTRICT"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH), server_default="")
    # Optimistic locking: every UPDATE checks and bumps it (the ETag clients send back).
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    slot: Mapped[Slot] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy's API)
