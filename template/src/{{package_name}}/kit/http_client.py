"""Calls to other services (payment provider, email, any HTTP API) through one
shared client with timeouts. Idempotent calls are retried with backoff; failures
become 502/503/504 problems. A non-critical call never fails the user's request.
"""

import asyncio
import random
from collections.abc import Awaitable
from typing import Any

import httpx
import structlog

from ..errors import BadGateway, GatewayTimeout, ServiceUnavailable
from ..settings import Settings

logger = structlog.get_logger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
ATTEMPTS = 3
BACKOFF_SECONDS = 0.2


def create_http_client(settings: Settings) -> httpx.AsyncClient:
    """The app's shared client (created in the lifespan, closed at shutdown)."""
    timeout = httpx.Timeout(settings.http_timeout, connect=settings.http_connect_timeout)
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False)


async def call(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Send a request; retry idempotent ones on timeouts, connection errors and 5xx.

    Raises GatewayTimeout (504), ServiceUnavailable (503) or BadGateway (502).
    A non-idempotent request (POST, PATCH) is sent once: retrying could apply it twice.
    """
    attempts = ATTEMPTS if method.upper() in IDEMPOTENT_METHODS else 1
    for attempt in range(1, attempts + 1):
        last = attempt == attempts
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.TimeoutException as error:
            if last:
                raise GatewayTimeout("An upstream service did not answer in time.") from error
        except httpx.TransportError as error:
            if last:
                raise ServiceUnavailable("An upstream service cannot be reached.") from error
        else:
            if response.status_code < 500:
                return response
            if last:
                raise BadGateway("An upstream service failed.")
        # Exponential backoff with jitter, so retries from many requests spread out.
        await asyncio.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1) * (0.5 + random.random()))  # noqa: S311
    raise AssertionError("unreachable")


async def best_effort(action: Awaitable[Any], *, what: str, within_seconds: float) -> bool:
    """Run a non-critical call (analytics, a notification): never raises, never hangs.

    Returns whether it succeeded; a failure is logged for the owner.
    """
    try:
        async with asyncio.timeout(within_seconds):
            await action
    except Exception as error:  # noqa: BLE001  (non-critical by definition)
        logger.warning("non-critical call failed", what=what, error=type(error).__name__)
        return False
    return True
