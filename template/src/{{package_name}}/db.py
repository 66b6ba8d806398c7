"""Database engine and the per-request session.

The engine is created in the app's lifespan (never at import), and the
request owns the transaction: `get_db_session` commits when the handler
returns and rolls back when it raises. Services may flush, never commit.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from .settings import Settings

# PostgreSQL error codes that mean "this conflicts with existing data".
UNIQUE_VIOLATION, EXCLUSION_VIOLATION = "23505", "23P01"


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


async def get_db_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session and one transaction per request."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


# scope="function": commit before the response is sent, so a failed commit
# becomes an error response instead of a success the database never saw.
SessionDep = Annotated[AsyncSession, Depends(get_db_session, scope="function")]


def sqlstate(error: DBAPIError) -> str | None:
    """PostgreSQL's error code behind a SQLAlchemy error (e.g. UNIQUE_VIOLATION)."""
    original = error.orig
    cause = original.__cause__ if original is not None else None
    return getattr(original, "sqlstate", None) or getattr(cause, "sqlstate", None)
