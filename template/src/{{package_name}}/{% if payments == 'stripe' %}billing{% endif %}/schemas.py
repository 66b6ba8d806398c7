from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..kit.schemas import ResponseModel
from .models import EVENT_ID_MAX_LENGTH, EVENT_TYPE_MAX_LENGTH

# What the webhook did with an event; Stripe's dashboard shows it with each delivery.
Outcome = Literal["applied", "duplicate", "ignored", "stale", "unknown_user"]


class StripeEventData(BaseModel):
    object: dict[str, Any]


class StripeEvent(BaseModel):
    """The parts of a (signature-verified) Stripe event the app reads."""

    id: str = Field(min_length=1, max_length=EVENT_ID_MAX_LENGTH)
    type: str = Field(min_length=1, max_length=EVENT_TYPE_MAX_LENGTH)
    created: datetime
    data: StripeEventData


class WebhookAck(ResponseModel):
    received: Literal[True] = True
    outcome: Outcome
