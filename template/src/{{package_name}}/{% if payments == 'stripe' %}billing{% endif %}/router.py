from typing import Annotated

import structlog
from fastapi import APIRouter, Header, Request

from ..db.session import SessionDep
from ..errors import ServiceUnavailable
from ..kit.dependencies import SettingsDep
from . import service
from .schemas import WebhookAck

logger = structlog.get_logger(__name__)

router = APIRouter(prefix="/billing", tags=["billing"])

StripeSignature = Annotated[
    str | None,
    Header(
        alias="Stripe-Signature",
        max_length=2048,  # t=...,v1=...: a few hundred bytes, even while a secret rotates
        description="Stripe's signature of the body",
    ),
]


@router.post(
    "/webhook",
    responses={
        400: {"description": "The signature is missing, invalid or too old"},
        503: {"description": "STRIPE_WEBHOOK_SECRET is not set"},
    },
)
async def stripe_webhook(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    stripe_signature: StripeSignature = None,
) -> WebhookAck:
    """Stripe's events, signature-verified: a paid checkout upgrades the user's plan,
    a deleted subscription downgrades it. Each event takes effect once."""
    if settings.stripe_webhook_secret is None:
        logger.error("STRIPE_WEBHOOK_SECRET is not set: every Stripe event is refused")
        raise ServiceUnavailable("Payments are not configured.")
    event = service.verified_event(
        await request.body(), stripe_signature, settings.stripe_webhook_secret.get_secret_value()
    )
    return WebhookAck(outcome=await service.handle(session, event))
