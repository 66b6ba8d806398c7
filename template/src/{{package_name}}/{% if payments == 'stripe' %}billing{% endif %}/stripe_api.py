"""Calls to Stripe's API: through the app's shared HTTP client (its timeouts, its pool)
at STRIPE_API_BASE, Stripe's errors translated into the app's where they are raised.

No answer in time is a 504, no connection (or a key Stripe refuses) a 503, any other
refusal a 502; the API key is never in a response or a log line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import structlog
from stripe import (
    APIConnectionError,
    AuthenticationError,
    HTTPClient,
    StripeClient,
    StripeError,
)
from stripe import PermissionError as StripePermissionError

from ..errors import BadGateway, GatewayTimeout, ServiceUnavailable

if TYPE_CHECKING:  # stripe.params takes most of a second to import
    from stripe.params.checkout import SessionCreateParams

logger = structlog.get_logger(__name__)

# Stripe's library retries what is safe to retry (each POST carries an Idempotency-Key,
# so a retried creation creates one session). Once: a request then waits at most two
# attempts of HTTP_TIMEOUT, and half a second to a second between them.
NETWORK_RETRIES = 1


class SharedHTTPClient(HTTPClient):
    """stripe-python's transport, over the app's httpx client (made and closed by the
    lifespan): one pool, and HTTP_TIMEOUT / HTTP_CONNECT_TIMEOUT on every call."""

    name = "httpx"

    def __init__(self, http: httpx.AsyncClient) -> None:
        super().__init__()
        self._http = http

    async def request_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        try:
            response = await self._http.request(method, url, headers=headers, content=post_data)
        # Stripe's library retries an APIConnectionError (its constructor is unannotated).
        except httpx.TimeoutException as error:
            timed_out = "Stripe did not answer in time."
            raise APIConnectionError(timed_out, should_retry=True) from error  # type: ignore[no-untyped-call]
        except httpx.TransportError as error:
            unreachable = "Stripe cannot be reached."
            raise APIConnectionError(unreachable, should_retry=True) from error  # type: ignore[no-untyped-call]
        return response.content, response.status_code, response.headers

    async def sleep_async(self, secs: float) -> None:
        await asyncio.sleep(secs)

    async def close_async(self) -> None:
        """Nothing to close: the app's client is closed with the app."""

    def close(self) -> None:
        """Nothing to close: the app's client is closed with the app."""


@dataclass(frozen=True)
class Stripe:
    """What a checkout needs: the API client, and the price it sells."""

    client: StripeClient
    price_id: str


def stripe_client(api_key: str, api_base: str, http: httpx.AsyncClient) -> StripeClient:
    """A client for Stripe's API at `api_base` (cheap: it holds no connection of its own)."""
    return StripeClient(
        api_key,
        base_addresses={"api": api_base.rstrip("/")},
        http_client=SharedHTTPClient(http),
        max_network_retries=NETWORK_RETRIES,
    )


async def create_checkout_session(client: StripeClient, params: SessionCreateParams) -> str:
    """Create the Checkout Session and return its URL, or raise 502/503/504."""
    try:
        checkout = await client.v1.checkout.sessions.create_async(params=params)
    except APIConnectionError as error:
        if isinstance(error.__cause__, httpx.TimeoutException):
            logger.warning("stripe did not answer in time: no checkout session")
            raise GatewayTimeout("The payment provider did not answer in time.") from None
        logger.warning("stripe cannot be reached: no checkout session")
        raise ServiceUnavailable(
            "The payment provider cannot be reached.", headers={"Retry-After": "10"}
        ) from None
    except (AuthenticationError, StripePermissionError) as error:
        # Its message names the key (masked); only the kind of refusal is logged.
        logger.error(
            "stripe refused STRIPE_API_KEY: no checkout can start",
            stripe_error=type(error).__name__,
            stripe_request_id=error.request_id,
        )
        raise ServiceUnavailable("Payments are not available right now.") from None
    except StripeError as error:
        logger.error(
            "stripe refused the checkout session",
            stripe_error=type(error).__name__,
            http_status=error.http_status,
            code=error.code,
            stripe_message=error.user_message,
            stripe_request_id=error.request_id,
        )
        raise BadGateway("The payment provider failed: try again later.") from None
    if not checkout.url:
        logger.error("stripe created a checkout session without a url", session_id=checkout.id)
        raise BadGateway("The payment provider failed: try again later.")
    return checkout.url
