"""Rate limits for sign-up, sign-in and password changes, and for the account mails
anyone can make the app send, with the `limits` library.

Per client address, every attempt counts (AUTH_RATE_LIMIT). Per recipient, every mail
nobody signed in asked for counts (MAIL_RATE_LIMIT): a stranger cannot flood an inbox.
Per account, only failures count, in two budgets: a tight one per (account, address)
and a much higher one for the account from every address. One attacker address exhausts
its own budget and can never lock the owner out from theirs; an attack from many
addresses is still slowed.

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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool

from ..errors import TooManyRequests, Unauthorized
from ..observability.metrics import RATE_LIMIT_STORAGE_ERRORS
from ..settings import Settings

logger = structlog.get_logger(__name__)

STORAGE_CHECK_TIMEOUT_SECONDS = 1.0
# Named once, so `except` reads (and is formatted) the same on every targeted Python.
STORAGE_UNREACHABLE = (TimeoutError, OSError, StorageError)


@dataclass
class RateLimiter:
    storage: Storage
    rule: RateLimitItem
    """Every attempt, per client address (AUTH_RATE_LIMIT)."""
    address_failures: RateLimitItem
    """Failed sign-ins per account from one address (AUTH_ADDRESS_FAILURES): tight."""
    account_failures: RateLimitItem
    """Failed sign-ins per account from every address (AUTH_ACCOUNT_FAILURES): higher."""
    mails: RateLimitItem
    """Unsolicited account mails per recipient (MAIL_RATE_LIMIT)."""
    # Redis connections, closed with the app (None: counters kept in memory).
    pool: ConnectionPool | None = None

    def __post_init__(self) -> None:
        self._strategy = MovingWindowRateLimiter(self.storage)

    async def check(self, action: str, *identifiers: str) -> None:
        """Count one `action` for each identifier (an address, an email); 429 past the rule."""
        for identifier in identifiers:
            await self._within(self.rule, action, identifier, count=True)

    async def may_mail(self, recipient: str) -> bool:
        """Count one unsolicited mail to `recipient`: False past MAIL_RATE_LIMIT (send
        nothing; the caller answers as if it had sent)."""
        try:
            return await self._strategy.hit(self.mails, "mail", recipient)
        except StorageError as error:
            self._let_through(error)
            return True

    async def check_mail(self, recipient: str) -> None:
        """Like `may_mail`, but 429 past the limit (for a user asking on their own behalf)."""
        await self._within(self.mails, "mail", recipient, count=True)

    async def refuse_locked(self, action: str, account: str, address: str) -> None:
        """429 when `account` has failed too often, from `address` or from everywhere.

        Only failures count (`count_failure`), and the owner's address has its own
        tight budget: one attacker address exhausts its own, never the owner's. The
        account-wide budget, much higher, still slows an attack from many addresses.
        """
        for rule, key in self._failure_keys(account, address):
            await self._within(rule, action, key, count=False)

    @asynccontextmanager
    async def counting_failures(
        self, action: str, account: str, address: str
    ) -> AsyncIterator[None]:
        """Around a check of `account`'s credentials from `address`: 429 when locked
        (`refuse_locked`), and an `Unauthorized` inside counts as one failure."""
        await self.refuse_locked(action, account, address)
        try:
            yield
        except Unauthorized:
            await self.count_failure(action, account, address)
            raise

    async def count_failure(self, action: str, account: str, address: str) -> None:
        for rule, key in self._failure_keys(account, address):
            await self._count(rule, action, key)

    def _failure_keys(self, account: str, address: str) -> list[tuple[RateLimitItem, str]]:
        return [
            (self.address_failures, f"{account}|{address}"),
            (self.account_failures, account),
        ]

    async def _count(self, rule: RateLimitItem, action: str, key: str) -> bool:
        try:
            return await self._strategy.hit(rule, f"{action}-failed", key)
        except StorageError as error:
            self._let_through(error)
            return True

    async def _within(self, rule: RateLimitItem, action: str, key: str, *, count: bool) -> None:
        try:
            if count:
                allowed = await self._strategy.hit(rule, action, key)
            else:
                allowed = await self._strategy.test(rule, f"{action}-failed", key)
            if allowed:
                return
            namespace = action if count else f"{action}-failed"
            stats = await self._strategy.get_window_stats(rule, namespace, key)
        except StorageError as error:
            self._let_through(error)
            return
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise TooManyRequests(
            "Too many attempts: wait before trying again.",
            headers={"Retry-After": str(retry_after)},
        )

    @staticmethod
    def _let_through(error: StorageError) -> None:
        RATE_LIMIT_STORAGE_ERRORS.inc()
        logger.error("rate limit storage failed: request let through", error=str(error))

    async def storage_problem(self) -> str | None:
        """Why the counters cannot be kept right now (Redis does not answer), or None."""
        if self.pool is None:
            return None  # in memory: nothing to reach
        try:
            async with asyncio.timeout(STORAGE_CHECK_TIMEOUT_SECONDS):
                reachable = await self.storage.check()
        except STORAGE_UNREACHABLE:
            reachable = False
        if reachable:
            return None
        RATE_LIMIT_STORAGE_ERRORS.inc()
        return "rate-limit store (Redis) unreachable: sign-ins are not limited"

    async def aclose(self) -> None:
        if self.pool is not None:
            await self.pool.aclose()


def create_rate_limiter(settings: Settings, key_prefix: str) -> RateLimiter:
    rules = (
        parse(settings.auth_rate_limit),
        parse(settings.auth_address_failures),
        parse(settings.auth_account_failures),
        parse(settings.mail_rate_limit),
    )
    if settings.redis_url is None:
        return RateLimiter(MemoryStorage(), *rules)
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
    return RateLimiter(storage, *rules, pool=pool)
