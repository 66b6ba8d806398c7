"""Rate limits for sign-up and sign-in, with the `limits` library.

Counters live in Redis (REDIS_URL), shared by every worker and instance;
without it they live in the process (development and tests only: staging and
production refuse to start without REDIS_URL). If Redis fails, requests are let
through and the failure is logged: an outage of the counter store must not lock
every user out, and argon2 still makes each guess slow. So it is not silent, each
failure counts in `rate_limit_storage_errors_total` (the `RateLimitsFailOpen` alert),
and `/readyz` shows it as a warning without failing readiness (`storage_problem`).
"""

import asyncio
import math
import time
from dataclasses import dataclass

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool

from ..errors import TooManyRequests
from ..observability.metrics import RATE_LIMIT_STORAGE_ERRORS
from ..settings import Settings

logger = structlog.get_logger(__name__)

STORAGE_CHECK_TIMEOUT_SECONDS = 1.0


@dataclass
class RateLimiter:
    storage: Storage
    rule: RateLimitItem
    # Redis connections, closed with the app (None: counters kept in memory).
    pool: ConnectionPool | None = None

    def __post_init__(self) -> None:
        self._strategy = MovingWindowRateLimiter(self.storage)

    async def check(self, action: str, *identifiers: str) -> None:
        """Count one `action` for each identifier (an address, an email); 429 past the rule."""
        for identifier in identifiers:
            try:
                allowed = await self._strategy.hit(self.rule, action, identifier)
                if allowed:
                    continue
                stats = await self._strategy.get_window_stats(self.rule, action, identifier)
            except StorageError as error:
                RATE_LIMIT_STORAGE_ERRORS.inc()
                logger.error("rate limit storage failed: request let through", error=str(error))
                continue
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
            raise TooManyRequests(
                "Too many attempts: wait before trying again.",
                headers={"Retry-After": str(retry_after)},
            )

    async def storage_problem(self) -> str | None:
        """Why the counters cannot be kept right now (Redis does not answer), or None."""
        if self.pool is None:
            return None  # in memory: nothing to reach
        try:
            async with asyncio.timeout(STORAGE_CHECK_TIMEOUT_SECONDS):
                reachable = await self.storage.check()
        except (TimeoutError, OSError, StorageError):
            reachable = False
        if reachable:
            return None
        RATE_LIMIT_STORAGE_ERRORS.inc()
        return "rate-limit store (Redis) unreachable: sign-ins are not limited"

    async def aclose(self) -> None:
        if self.pool is not None:
            await self.pool.aclose()


def create_rate_limiter(settings: Settings, key_prefix: str) -> RateLimiter:
    rule = parse(settings.auth_rate_limit)
    if settings.redis_url is None:
        return RateLimiter(MemoryStorage(), rule)
    # A slow Redis must not hold a sign-in: one second, then the request goes through.
    pool = ConnectionPool.from_url(
        str(settings.redis_url), socket_timeout=1.0, socket_connect_timeout=1.0
    )
    storage = RedisStorage(
        f"async+{settings.redis_url}",
        implementation="redispy",
        key_prefix=key_prefix,
        wrap_exceptions=True,
        connection_pool=pool,  # type: ignore[arg-type]  # passed through to redis-py
    )
    return RateLimiter(storage, rule, pool)
