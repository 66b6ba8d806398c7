"""The engine and its sessionmaker, created in the app's lifespan (never at import)."""

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from ..settings import Settings


def create_engine(settings: Settings) -> AsyncEngine:
    """An engine for the configured PostgreSQL database."""
    return create_async_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout,
        pool_pre_ping=True,
        connect_args={
            "timeout": settings.database_connect_timeout,
            # Bounds every query, the pool's pre-ping included: a database that
            # stops answering cannot hold a request (and its connection) forever.
            "command_timeout": settings.database_statement_timeout,
        },
        # Don't leak SQL parameters (password hashes, emails) into logs.
        hide_parameters=True,
        echo=False,
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
