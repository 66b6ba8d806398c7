"""The engine and its sessionmaker, created in the app's lifespan (never at import)."""

from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from ..settings import Settings

# A pooled connection older than this is replaced: a firewall or a proxy may drop an
# idle connection without closing it, and nothing on this side would notice.
POOL_RECYCLE_SECONDS = 1800


def create_engine(settings: Settings) -> AsyncEngine:
    """An engine for the configured PostgreSQL database."""
    engine = create_async_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout,
        # Not pool_pre_ping: with asyncpg it costs three round trips (BEGIN, a query,
        # ROLLBACK) on every checkout, most of a short request's database time.
        # `_refuse_closed` below catches what a restart or an outage leaves behind.
        pool_recycle=POOL_RECYCLE_SECONDS,
        connect_args={
            "timeout": settings.database_connect_timeout,
            # Bounds every query: a database that stops answering cannot hold a
            # request (and its connection) forever.
            "command_timeout": settings.database_statement_timeout,
        },
        # Don't leak SQL parameters (password hashes, emails) into logs.
        hide_parameters=True,
        echo=False,
    )
    event.listen(engine.sync_engine.pool, "checkout", _refuse_closed)
    return engine


def _refuse_closed(
    dbapi_connection: Any, _record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
) -> None:
    """A connection the server closed (a restart, a terminated backend, an outage) is
    known closed here as soon as its socket is: replaced on checkout, no round trip.
    The pool then tries a fresh one (and the request fails as 503 if that fails)."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
