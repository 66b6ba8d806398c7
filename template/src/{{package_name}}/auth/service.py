"""Sign-up, sign-in, sign-out and the session check behind every protected route."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ..errors import Conflict, NotFound, Unauthorized
from . import repository
from .models import AuthSession, Plan, Role, User
from .passwords import hash_password_async, verify_password
from .tokens import new_token, token_hash

# Writing last_seen_at on every request would turn each read into a write.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
WRONG_CREDENTIALS = "The email or password is wrong."


@dataclass(frozen=True)
class StartedSession:
    user: User
    token: str  # given to the client once; the database keeps only its hash
    expires_at: datetime


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def register(session: AsyncSession, email: str, password: str) -> User:
    email = normalize_email(email)
    if await repository.user_by_email(session, email) is not None:
        raise Conflict("An account with this email already exists.")
    # A concurrent sign-up with the same email loses on the unique constraint (409).
    return await repository.add_user(
        session, User(email=email, password_hash=await hash_password_async(password))
    )


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
    session: AsyncSession, email: str, password: str, lifetime: timedelta
) -> StartedSession:
    """Unknown email and wrong password fail alike, in about the same time."""
    user = await repository.user_by_email(session, normalize_email(email))
    await release_connection(session)
    matches, new_hash = await verify_password(password, user.password_hash if user else None)
    if user is None or not matches:
        raise Unauthorized(WRONG_CREDENTIALS)
    if new_hash is not None:  # hashing parameters changed since this hash was made
        user.password_hash = new_hash
    return await start_session(session, user, lifetime)


async def release_connection(session: AsyncSession) -> None:
    """End the request's transaction so far, before argon2 runs: what was read (the user)
    stays loaded, the connection goes back to the pool for the other requests, and the
    writes that follow run in a transaction of their own, which the request commits."""
    await session.commit()


async def authenticate(session: AsyncSession, token: str) -> AuthSession | None:
    """The live session this token opens (user loaded), or None."""
    now = datetime.now(UTC)
    auth_session = await repository.live_session(session, token_hash(token), now)
    if auth_session is not None and now - auth_session.last_seen_at > LAST_SEEN_RESOLUTION:
        await repository.touch_session(
            session, auth_session.id, now, older_than=now - LAST_SEEN_RESOLUTION
        )
    return auth_session


async def logout(session: AsyncSession, auth_session: AuthSession) -> None:
    await repository.delete_session(session, auth_session.id)


async def change_password(
    session: AsyncSession, user: User, current_password: str, new_password: str
) -> None:
    """Set a new password and sign out every session of the user (including this one)."""
    await release_connection(session)
    matches, _ = await verify_password(current_password, user.password_hash)
    if not matches:
        raise Unauthorized(WRONG_CREDENTIALS)
    user.password_hash = await hash_password_async(new_password)
    await repository.delete_sessions_of(session, user.id)


async def create_admin(session: AsyncSession, email: str, password: str) -> User:
    """Create an admin, or make an existing user one (setting the given password)."""
    email = normalize_email(email)
    user = await repository.user_by_email(session, email)
    if user is None:
        user = await repository.add_user(
            session,
            User(email=email, password_hash=await hash_password_async(password), role=Role.ADMIN),
        )
    else:
        user.role = Role.ADMIN
        user.password_hash = await hash_password_async(password)
        await repository.delete_sessions_of(session, user.id)
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
