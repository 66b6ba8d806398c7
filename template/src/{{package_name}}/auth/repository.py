"""Queries for users and sessions. Flushes, never commits: the request owns the transaction."""

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import AuthSession, User


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email))


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def add_user(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def add_session(session: AsyncSession, auth_session: AuthSession) -> AuthSession:
    session.add(auth_session)
    await session.flush()
    return auth_session


def _live(now: datetime, idle_since: datetime) -> ColumnElement[bool]:
    """Neither past its lifetime nor unused since before `idle_since`."""
    return and_(AuthSession.expires_at > now, AuthSession.last_seen_at > idle_since)


async def live_session(
    session: AsyncSession, token_hash: bytes, now: datetime, idle_since: datetime
) -> AuthSession | None:
    """The live session with this token hash, its user loaded in the same query."""
    return await session.scalar(
        select(AuthSession).where(AuthSession.token_hash == token_hash, _live(now, idle_since))
    )


async def live_sessions_of(
    session: AsyncSession,
    user_id: int,
    now: datetime,
    idle_since: datetime,
    limit: int,
    offset: int,
) -> list[AuthSession]:
    """A user's live sessions, the most recently used first."""
    return list(
        await session.scalars(
            select(AuthSession)
            .where(AuthSession.user_id == user_id, _live(now, idle_since))
            .order_by(AuthSession.last_seen_at.desc(), AuthSession.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


async def touch_session(
    session: AsyncSession, session_id: int, now: datetime, older_than: datetime
) -> None:
    """Record activity, unless a concurrent request of the same session is doing it:
    SKIP LOCKED, so parallel requests never queue behind each other's row lock."""
    stale = (
        select(AuthSession.id)
        .where(AuthSession.id == session_id, AuthSession.last_seen_at < older_than)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == stale)
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )


async def delete_session(session: AsyncSession, session_id: int) -> None:
    await session.execute(delete(AuthSession).where(AuthSession.id == session_id))


async def delete_session_of(session: AsyncSession, user_id: int, session_id: int) -> bool:
    """Delete one of the user's sessions; False when they have none with this id."""
    deleted = await session.execute(
        delete(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.user_id == user_id)
        .returning(AuthSession.id)
    )
    return deleted.first() is not None


async def delete_sessions_of(
    session: AsyncSession, user_id: int, *, keep: int | None = None
) -> None:
    """Delete every session of the user, except the one with id `keep` if given."""
    query = delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    await session.execute(query)


async def delete_dead_sessions_of(
    session: AsyncSession, user_id: int, now: datetime, idle_since: datetime
) -> None:
    """Clear away the user's expired and idle sessions (they open nothing any more)."""
    await session.execute(
        delete(AuthSession).where(AuthSession.user_id == user_id, not_(_live(now, idle_since)))
    )


async def users_page(session: AsyncSession, limit: int, offset: int) -> list[User]:
    return list(await session.scalars(select(User).order_by(User.id).limit(limit).offset(offset)))
