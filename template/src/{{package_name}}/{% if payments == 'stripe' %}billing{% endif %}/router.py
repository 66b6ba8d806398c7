from typing import Annotated

import structlog
from fastapi import APIRouter, Header, Request, status

from ..auth.dependencies import VerifiedUser
from ..db.session import SessionDep
from ..errors import ServiceUnavailable
from ..kit.dependencies import SettingsDep
from . import service
from .dependencies import StripeDep
from .schemas import CheckoutStarted, WebhookAck

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
    "/checkout",
    status_code=status.HTTP_201_CREATED,
    responses={
        403: {"description": "The caller's email address is not confirmed yet"},
        409: {"description": "The user is on the paid plan already"},
        502: {"description": "Stripe refused or failed the request"},
        503: {"description": "Payments are not configured, or Stripe cannot be reached"},
        504: {"description": "Stripe did not answer in time"},
    },
)
async def start_checkout(
    user: VerifiedUser, session: SessionDep, settings: SettingsDep, stripe: StripeDep
) -> CheckoutStarted:
    """Start paying: a Stripe Checkout Session for the paid plan, whose page the
    browser is sent to. The plan changes when Stripe's webhook confirms the payment."""
    url = await service.start_checkout(session, stripe, user, str(settings.public_base_url))
    return CheckoutStarted(url=url)


@router.post(
    "/webhook",
    responses={
        400: {"description": "The signature is missing, invalid or too old"},
        503: {"description": "STRIPE_WEBHOOK_SECRET or STRIPE_PRICE_ID is not set"},
    },
)
async def stripe_webhook(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    stripe_signature: StripeSignature = None,
) -> WebhookAck:
    """Stripe's events, signature-verified: the user's subscriptions are kept as Stripe
    reports them, and the plan is paid while one of them pays for STRIPE_PRICE_ID.
    Each event takes effect once."""
    if settings.stripe_webhook_secret is None or settings.stripe_price_id is None:
        logger.error(
            "STRIPE_WEBHOOK_SECRET or STRIPE_PRICE_ID is not set: every Stripe event is refused"
        )
        raise ServiceUnavailable("Payments are not configured.")
    event = service.verified_event(
        await request.body(), stripe_signature, settings.stripe_webhook_secret.get_secret_value()
    )
    return WebhookAck(outcome=await service.handle(session, event, settings.stripe_price_id))
