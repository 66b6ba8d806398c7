"""Billing's guards: `StripeDep`, the Stripe API for a checkout, or 503 while
payments are not configured."""

from typing import Annotated

import httpx
import structlog
from fastapi import Depends, Request

from ..errors import ServiceUnavailable
from ..kit.dependencies import SettingsDep
from .stripe_api import Stripe, stripe_client

logger = structlog.get_logger(__name__)


async def stripe(request: Request, settings: SettingsDep) -> Stripe:
    if settings.stripe_api_key is None or settings.stripe_price_id is None:
        logger.error("STRIPE_API_KEY or STRIPE_PRICE_ID is not set: no checkout can start")
        raise ServiceUnavailable("Payments are not configured.")
    http: httpx.AsyncClient = request.app.state.http
    client = stripe_client(
        settings.stripe_api_key.get_secret_value(), str(settings.stripe_api_base), http
    )
    return Stripe(client=client, price_id=settings.stripe_price_id)


StripeDep = Annotated[Stripe, Depends(stripe)]
