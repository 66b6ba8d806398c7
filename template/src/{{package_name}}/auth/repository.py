"""Queries for users, sessions and account tokens. Flushes, never commits: the request
owns the transaction."""

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, not_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .models import AccountToken, AuthSession, TokenPurpose, User


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email))


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def add_user(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def add_user_unless_taken(
    session: AsyncSession, email: str, password_hash: str
) -> int | None:
    """The new user's id, or None when the address has an account (concurrent sign-ups
    included: the unique index decides, and nothing fails)."""
    return await session.scalar(
        insert(User)
        .values(email=email, password_hash=password_hash)
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User.id)
    )


async def email_taken(session: AsyncSession, email: str) -> bool:
    return await session.scalar(select(User.id).where(User.email == email)) is not None


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


async def replace_account_token(session: AsyncSession, token: AccountToken) -> None:
    """Store `token`, deleting the user's earlier ones of the same purpose: only the
    latest link works."""
    await delete_account_tokens_of(session, token.user_id, token.purpose)
    session.add(token)
    await session.flush()


async def take_account_token(
    session: AsyncSession, token_hash: bytes, purpose: TokenPurpose, now: datetime
) -> tuple[int, str | None] | None:
    """Use up a live token: (user id, new email), or None. One DELETE ... RETURNING, so
    of two requests with the same token only one gets it."""
    taken = await session.execute(
        delete(AccountToken)
        .where(
            AccountToken.token_hash == token_hash,
            AccountToken.purpose == purpose,
            AccountToken.expires_at > now,
        )
        .returning(AccountToken.user_id, AccountToken.new_email)
    )
    row = taken.first()
    return None if row is None else (row.user_id, row.new_email)


async def delete_account_tokens_of(
    session: AsyncSession, user_id: int, purpose: TokenPurpose
) -> None:
    await session.execute(
        delete(AccountToken).where(AccountToken.user_id == user_id, AccountToken.purpose == purpose)
    )


async def delete_expired(
    session: AsyncSession, now: datetime, idle_since: datetime
) -> tuple[int, int]:
    """Delete the sessions and account tokens that can open nothing any more: how many
    of each."""
    sessions = await session.execute(
        delete(AuthSession).where(not_(_live(now, idle_since))).returning(AuthSession.id)
    )
    tokens = await session.execute(
        delete(AccountToken).where(AccountToken.expires_at <= now).returning(AccountToken.id)
    )
    return len(sessions.all()), len(tokens.all())
