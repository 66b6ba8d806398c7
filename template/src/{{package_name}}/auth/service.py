"""Sign-in, sign-out, the session check behind every protected route, the user's own
list of sessions and password changes. Sign-up and the flows through the user's mailbox
are in account_service.py."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import NotFound, Unauthorized
from . import repository
from .models import AuthSession, Plan, Role, TokenPurpose, User
from .passwords import hash_password_async, verify_password
from .tokens import new_token, token_hash

# Writing last_seen_at on every request would turn each read into a write; the price is
# that a session may be judged idle up to this much early.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
SESSION_NOT_FOUND = "No such session."
WRONG_CREDENTIALS = "The email or password is wrong."


@dataclass(frozen=True)
class SessionLimits:
    """How long a session lasts at most, and how long it may go unused."""

    lifetime: timedelta
    idle: timedelta


@dataclass(frozen=True)
class StartedSession:
    user: User
    token: str  # given to the client once; the database keeps only its hash
    expires_at: datetime


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def start_session(session: AsyncSession, user: User, lifetime: timedelta) -> StartedSession:
    now = datetime.now(UTC)
    token = new_token()
    await repository.add_session(
        session,
        AuthSession(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + lifetime,
            last_seen_at=now,
        ),
    )
    return StartedSession(user=user, token=token, expires_at=now + lifetime)


async def login(
    session: AsyncSession, email: str, password: str, limits: SessionLimits
) -> StartedSession:
    """Unknown email and wrong password fail alike, in about the same time.

    The user's expired and idle sessions are cleared away on the way."""
    user = await repository.user_by_email(session, normalize_email(email))
    await release_connection(session)
    matches, new_hash = await verify_password(password, user.password_hash if user else None)
    if user is None or not matches:
        raise Unauthorized(WRONG_CREDENTIALS)
    if new_hash is not None:  # hashing parameters changed since this hash was made
        user.password_hash = new_hash
    now = datetime.now(UTC)
    await repository.delete_dead_sessions_of(session, user.id, now, now - limits.idle)
    return await start_session(session, user, limits.lifetime)


async def release_connection(session: AsyncSession) -> None:
    """End the request's transaction so far, before argon2 runs: what was read (the user)
    stays loaded, the connection goes back to the pool for the other requests, and the
    writes that follow run in a transaction of their own, which the request commits."""
    await session.commit()


async def authenticate(session: AsyncSession, token: str, idle: timedelta) -> AuthSession | None:
    """The live session this token opens (user loaded), or None: past its lifetime, or
    unused for longer than `idle`, a session opens nothing. Use keeps it alive."""
    now = datetime.now(UTC)
    auth_session = await repository.live_session(session, token_hash(token), now, now - idle)
    if auth_session is not None and now - auth_session.last_seen_at > LAST_SEEN_RESOLUTION:
        await repository.touch_session(
            session, auth_session.id, now, older_than=now - LAST_SEEN_RESOLUTION
        )
        # What the row now holds (or a concurrent request wrote), without a second write.
        set_committed_value(auth_session, "last_seen_at", now)
    return auth_session


async def logout(session: AsyncSession, auth_session: AuthSession) -> None:
    await repository.delete_session(session, auth_session.id)


async def sessions_of(
    session: AsyncSession, user: User, idle: timedelta, limit: int, offset: int
) -> list[AuthSession]:
    """The user's live sessions (expired and idle ones open nothing, so are not shown)."""
    now = datetime.now(UTC)
    return await repository.live_sessions_of(session, user.id, now, now - idle, limit, offset)


async def revoke_session(session: AsyncSession, user: User, session_id: int) -> None:
    """Sign one of the user's sessions out. Anyone else's is 404, exactly like a missing one."""
    if not await repository.delete_session_of(session, user.id, session_id):
        raise NotFound(SESSION_NOT_FOUND)


async def revoke_sessions(
    session: AsyncSession, user: User, *, keep: AuthSession | None = None
) -> None:
    """Sign the user out everywhere, or everywhere but the session `keep`."""
    await repository.delete_sessions_of(session, user.id, keep=keep.id if keep else None)


async def change_password(
    session: AsyncSession, user: User, current_password: str, new_password: str
) -> None:
    """Set a new password and sign out every session of the user (including this one);
    the reset links mailed before stop working."""
    await release_connection(session)
    matches, _ = await verify_password(current_password, user.password_hash)
    if not matches:
        raise Unauthorized(WRONG_CREDENTIALS)
    user.password_hash = await hash_password_async(new_password)
    await _signed_out_everywhere(session, user)


async def _signed_out_everywhere(session: AsyncSession, user: User) -> None:
    await repository.delete_sessions_of(session, user.id)
    await repository.delete_account_tokens_of(session, user.id, TokenPurpose.RESET_PASSWORD)


async def create_confirmed_user(
    session: AsyncSession, email: str, password: str, *, role: Role = Role.USER
) -> User:
    """A user whose address the operator vouches for (demo data, `create-admin`): it
    counts as confirmed, no mail is sent."""
    return await repository.add_user(
        session,
        User(
            email=normalize_email(email),
            password_hash=await hash_password_async(password),
            role=role,
            email_verified_at=datetime.now(UTC),
        ),
    )


async def create_admin(session: AsyncSession, email: str, password: str) -> User:
    """Create an admin, or make an existing user one (setting the given password, and
    confirming the address: the operator vouches for it)."""
    user = await repository.user_by_email(session, normalize_email(email))
    if user is None:
        return await create_confirmed_user(session, email, password, role=Role.ADMIN)
    user.role = Role.ADMIN
    user.password_hash = await hash_password_async(password)
    user.email_verified_at = user.email_verified_at or datetime.now(UTC)
    await _signed_out_everywhere(session, user)
    await session.flush()
    return user


async def set_plan(session: AsyncSession, user_id: int, plan: Plan) -> User:
    """Set a user's plan by hand (administrators: a refund, a comped account)."""
    user = await repository.user_by_id(session, user_id)
    if user is None:
        raise NotFound("No such user.")
    user.plan = plan
    await session.flush()
    return user
