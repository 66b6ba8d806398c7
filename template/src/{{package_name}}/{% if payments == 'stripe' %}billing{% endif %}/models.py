"""What billing keeps: the Stripe events taken in, by id (a redelivered event finds its
row), and each user's subscriptions as the last applied event left them (the plan is
derived from them)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base

# Stripe's ids and types are far shorter; the bounds keep a bad payload from storing megabytes.
EVENT_ID_MAX_LENGTH = 255
EVENT_TYPE_MAX_LENGTH = 100
SUBSCRIPTION_ID_MAX_LENGTH = 255
PRICE_ID_MAX_LENGTH = 255
# Stripe's statuses are short words (`incomplete_expired` is the longest); a new one is
# stored as it comes, and counts as not paying until the code says otherwise.
SUBSCRIPTION_STATUS_MAX_LENGTH = 32


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


class Subscription(Base):
    """A Stripe subscription of a user, as the latest event about it left it.

    The plan is derived from these rows: a user is on the paid plan while at least
    one of their subscriptions to STRIPE_PRICE_ID has a status that counts
    (`service.PAYING_STATUSES`), so ending one of two leaves the plan paid.
    """

    __tablename__ = "subscriptions"

    # Stripe's subscription id (sub_...).
    id: Mapped[str] = mapped_column(String(SUBSCRIPTION_ID_MAX_LENGTH), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(SUBSCRIPTION_STATUS_MAX_LENGTH))
    # The configured price when one of its items is for it, else its first item's price.
    price_id: Mapped[str | None] = mapped_column(String(PRICE_ID_MAX_LENGTH))
    # When Stripe created the event that set this state: an older event arriving
    # later (Stripe does not deliver in order) leaves the row as it is.
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
