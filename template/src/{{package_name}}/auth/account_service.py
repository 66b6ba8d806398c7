"""The account flows that go through the owner's mailbox: confirming the address at
sign-up, resetting a forgotten password, moving the account to another address.

Each mails a link holding a random token that works once (it is deleted when used) and
expires; only its hash is stored, and a newer link of the same kind replaces the older.
The token travels in the link's fragment (`#token=`), which browsers never send to a
server: it stays out of access logs and Referer headers. The mails are queued in the
request's transaction (a rolled-back request sends nothing) and sent by the worker, so
a mail provider that is down never fails a request.

Nothing here tells a stranger whether an address has an account: sign-up and "forgot
password" answer the same for any address, and the owner of a taken one gets a mail.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..email.jobs import queue_mail
from ..email.messages import render
from ..errors import BadRequest, Conflict, Unauthorized
from ..jobs.queue import enqueue
from ..jobs.runner import TaskContext
from . import repository
from .models import AccountToken, TokenPurpose, User
from .passwords import hash_password_async, verify_password
from .rate_limit import RateLimiter
from .service import WRONG_CREDENTIALS, normalize_email, release_connection
from .tokens import new_token, token_hash

LIFETIMES = {
    TokenPurpose.VERIFY_EMAIL: timedelta(hours=24),
    TokenPurpose.RESET_PASSWORD: timedelta(minutes=30),
    TokenPurpose.CHANGE_EMAIL: timedelta(hours=1),
}
# The frontend's page for each link (it posts the token to the API).
PAGES = {
    TokenPurpose.VERIFY_EMAIL: "verify-email",
    TokenPurpose.RESET_PASSWORD: "reset-password",  # pragma: allowlist secret
    TokenPurpose.CHANGE_EMAIL: "confirm-email",
}
FORGOT_PASSWORD_PAGE = "forgot-password"  # noqa: S105  # pragma: allowlist secret
INVALID_LINK = "This link is invalid, used already or expired: ask for a new one."
SEND_PASSWORD_RESET = "auth.send_password_reset"  # noqa: S105  # pragma: allowlist secret


def page_url(base_url: str, page: str, token: str | None = None) -> str:
    url = f"{base_url.rstrip('/')}/account/{page}"
    return f"{url}#token={token}" if token else url


async def _mail_link(
    session: AsyncSession,
    user_id: int,
    purpose: TokenPurpose,
    to: str,
    base_url: str,
    *,
    new_email: str | None = None,
) -> None:
    """Issue a token of `purpose` (replacing the older one) and queue its mail to `to`."""
    token = new_token()
    lifetime = LIFETIMES[purpose]
    await repository.replace_account_token(
        session,
        AccountToken(
            user_id=user_id,
            purpose=purpose,
            token_hash=token_hash(token),
            new_email=new_email,
            expires_at=datetime.now(UTC) + lifetime,
        ),
    )
    message = render(
        purpose.value,
        to,
        link=page_url(base_url, PAGES[purpose], token),
        expires_minutes=int(lifetime.total_seconds() // 60),
    )
    await queue_mail(session, message)


async def _mail_account_exists(
    session: AsyncSession, to: str, base_url: str, limiter: RateLimiter
) -> None:
    """Tell the owner of `to` someone tried to use it (at most MAIL_RATE_LIMIT times)."""
    if await limiter.may_mail(to):
        link = page_url(base_url, FORGOT_PASSWORD_PAGE)
        await queue_mail(session, render("account_exists", to, link=link))


async def _take(
    session: AsyncSession, token: str, purpose: TokenPurpose
) -> tuple[User, str | None]:
    taken = await repository.take_account_token(
        session, token_hash(token), purpose, datetime.now(UTC)
    )
    user = None if taken is None else await repository.user_by_id(session, taken[0])
    if taken is None or user is None:
        raise BadRequest(INVALID_LINK)
    return user, taken[1]


async def register(
    session: AsyncSession, email: str, password: str, base_url: str, limiter: RateLimiter
) -> str:
    """Create an unconfirmed account and mail its confirmation link; for an address that
    has an account, mail its owner instead. The same answer (the normalised address)
    either way, after the same work: argon2 runs first, for both."""
    email = normalize_email(email)
    password_hash = await hash_password_async(password)
    user_id = await repository.add_user_unless_taken(session, email, password_hash)
    if user_id is None:
        await _mail_account_exists(session, email, base_url, limiter)
    else:
        await _mail_link(session, user_id, TokenPurpose.VERIFY_EMAIL, email, base_url)
    return email


async def resend_verification(
    session: AsyncSession, user: User, base_url: str, limiter: RateLimiter
) -> None:
    """A new confirmation link (the older stops working); 429 past MAIL_RATE_LIMIT."""
    if user.email_verified:
        raise Conflict("This address is confirmed already.")
    await limiter.check_mail(user.email)
    await _mail_link(session, user.id, TokenPurpose.VERIFY_EMAIL, user.email, base_url)


async def verify_email(session: AsyncSession, token: str) -> None:
    user, _ = await _take(session, token, TokenPurpose.VERIFY_EMAIL)
    user.email_verified_at = user.email_verified_at or datetime.now(UTC)


async def request_password_reset(session: AsyncSession, email: str, limiter: RateLimiter) -> None:
    """Queue the reset mail's job, whether or not the address has an account: the request
    does the same work for both (one counter, one job row), so neither its answer nor
    its time tells them apart. The worker finds out, and mails only an owner."""
    email = normalize_email(email)
    if await limiter.may_mail(email):
        await enqueue(session, SEND_PASSWORD_RESET, {"email": email})


async def send_password_reset(payload: dict[str, Any], context: TaskContext) -> None:
    """The job behind "forgot password": mail the account's owner a reset link.

    Run twice (a crash after its commit), it mails two links, of which the newer works."""
    async with context.sessions() as session, session.begin():
        user = await repository.user_by_email(session, str(payload["email"]))
        if user is not None:
            base_url = str(context.settings.public_base_url)
            await _mail_link(session, user.id, TokenPurpose.RESET_PASSWORD, user.email, base_url)


async def reset_password(session: AsyncSession, token: str, new_password: str) -> None:
    """Set the password from a reset link, and sign out every session of the user.

    The link proved the mailbox, so the address counts as confirmed too."""
    password_hash = await hash_password_async(new_password)  # before the token is used up
    user, _ = await _take(session, token, TokenPurpose.RESET_PASSWORD)
    user.password_hash = password_hash
    user.email_verified_at = user.email_verified_at or datetime.now(UTC)
    await repository.delete_sessions_of(session, user.id)


async def request_email_change(
    session: AsyncSession,
    user: User,
    current_password: str,
    new_email: str,
    base_url: str,
    limiter: RateLimiter,
) -> None:
    """Mail a confirmation link to `new_email`; nothing changes until it is opened.

    The current password is asked for: a stolen session alone cannot move the account
    to the thief's address. A taken `new_email` gets the "account exists" mail instead,
    and the answer is the same."""
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise BadRequest("This is the account's address already.")
    await release_connection(session)
    matches, _ = await verify_password(current_password, user.password_hash)
    if not matches:
        raise Unauthorized(WRONG_CREDENTIALS)
    if await repository.email_taken(session, new_email):
        await _mail_account_exists(session, new_email, base_url, limiter)
        return
    await _mail_link(
        session, user.id, TokenPurpose.CHANGE_EMAIL, new_email, base_url, new_email=new_email
    )


async def confirm_email_change(session: AsyncSession, token: str) -> None:
    """Move the account to the new address, and tell the old one it happened.

    409 if the address got an account since the link was mailed."""
    user, new_email = await _take(session, token, TokenPurpose.CHANGE_EMAIL)
    assert new_email is not None  # change_email tokens always carry it
    if await repository.email_taken(session, new_email):
        raise Conflict("This address has an account now: the change cannot be made.")
    old_email = user.email
    user.email = new_email
    user.email_verified_at = datetime.now(UTC)
    await session.flush()  # a concurrent change to the same address loses here (409)
    await queue_mail(session, render("email_changed", old_email, new_email=new_email))
