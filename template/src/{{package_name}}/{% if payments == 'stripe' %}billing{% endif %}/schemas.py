from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from ..kit.schemas import ResponseModel
from .models import (
    EVENT_ID_MAX_LENGTH,
    EVENT_TYPE_MAX_LENGTH,
    PRICE_ID_MAX_LENGTH,
    SUBSCRIPTION_ID_MAX_LENGTH,
    SUBSCRIPTION_STATUS_MAX_LENGTH,
)

# What the webhook did with an event; Stripe's dashboard shows it with each delivery.
Outcome = Literal["applied", "duplicate", "ignored", "stale", "unknown_user"]
# Stripe sends short strings; these bounds only keep a bad payload from storing megabytes.
STRIPE_STRING_MAX_LENGTH = 500
MAX_SUBSCRIPTION_ITEMS = 100  # Stripe's own limit is 20


class StripeEventData(BaseModel):
    object: dict[str, Any]


class StripeEvent(BaseModel):
    """The parts of a (signature-verified) Stripe event the app reads."""

    id: str = Field(min_length=1, max_length=EVENT_ID_MAX_LENGTH)
    type: str = Field(min_length=1, max_length=EVENT_TYPE_MAX_LENGTH)
    created: datetime
    data: StripeEventData


StripeString = Annotated[str, Field(max_length=STRIPE_STRING_MAX_LENGTH)]


class StripeCheckoutSession(BaseModel):
    """The parts of a Checkout Session (checkout.session.* events) the app reads."""

    mode: StripeString | None = None
    payment_status: StripeString | None = None
    client_reference_id: StripeString | None = None
    # The subscription the checkout started (its id: events do not expand it).
    subscription: str | None = Field(default=None, max_length=SUBSCRIPTION_ID_MAX_LENGTH)
    metadata: dict[str, str] | None = None


class StripePrice(BaseModel):
    id: str = Field(max_length=PRICE_ID_MAX_LENGTH)


class StripeSubscriptionItem(BaseModel):
    price: StripePrice


class StripeSubscriptionItems(BaseModel):
    data: list[StripeSubscriptionItem] = Field(max_length=MAX_SUBSCRIPTION_ITEMS)


class StripeSubscription(BaseModel):
    """The parts of a Subscription (customer.subscription.* events) the app reads."""

    id: str = Field(min_length=1, max_length=SUBSCRIPTION_ID_MAX_LENGTH)
    status: str = Field(min_length=1, max_length=SUBSCRIPTION_STATUS_MAX_LENGTH)
    metadata: dict[str, str] | None = None
    items: StripeSubscriptionItems


class WebhookAck(ResponseModel):
    received: Literal[True] = True
    outcome: Outcome


class CheckoutStarted(ResponseModel):
    url: str = Field(description="Stripe's checkout page for this user: send the browser there")
