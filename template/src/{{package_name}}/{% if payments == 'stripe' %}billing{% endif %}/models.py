"""The Stripe events the app has taken in, by id: a redelivered event finds its row."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base

# Stripe's ids and types are far shorter; the bounds keep a bad payload from storing megabytes.
EVENT_ID_MAX_LENGTH = 255
EVENT_TYPE_MAX_LENGTH = 100


class BillingEvent(Base):
    """One row per Stripe event of a handled type, written in the same transaction as
    the plan change it made: the change and its record commit together or not at all."""

    __tablename__ = "billing_events"

    # Stripe's event id (evt_...): the primary key is what makes each event count once.
    id: Mapped[str] = mapped_column(String(EVENT_ID_MAX_LENGTH), primary_key=True)
    type: Mapped[str] = mapped_column(String(EVENT_TYPE_MAX_LENGTH))
    # When Stripe created the event. Stripe does not deliver in order (a retried old
    # event can arrive after a newer one), so a change older than the user's last one
    # is recorded but not applied.
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The user whose plan the event is about; null when it changes no known user.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
