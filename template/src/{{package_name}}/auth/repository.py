"""Queries for users and sessions. Flushes, never commits: the request owns the transaction."""

from datetime import datetime

from sqlalchemy import delete, select, update
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


async def live_session(
    session: AsyncSession, token_hash: bytes, now: datetime
) -> AuthSession | None:
    """The unexpired session with this token hash, its user loaded in the same query."""
    return await session.scalar(
        select(AuthSession).where(
            AuthSession.token_hash == token_hash, AuthSession.expires_at > now
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


async def delete_sessions_of(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(AuthSession).where(AuthSession.user_id == user_id))


async def users_page(session: AsyncSession, limit: int, offset: int) -> list[User]:
    return list(await session.scalars(select(User).order_by(User.id).limit(limit).offset(offset)))
