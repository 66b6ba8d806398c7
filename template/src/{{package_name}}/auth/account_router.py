"""Sign-up, and the flows through the owner's mailbox: confirming the address,
resetting a forgotten password, changing the address (account_service.py)."""

from typing import Any

from fastapi import APIRouter, Request, Response, status

from ..db.session import SessionDep
from ..kit.dependencies import SettingsDep
from ..middleware.client_ip import client_ip
from . import account_service
from .cookies import session_cookie
from .dependencies import CurrentUser, RateLimiterDep, throttled_per_address
from .schemas import (
    Accepted,
    EmailChangeRequest,
    PasswordForgotRequest,
    PasswordResetRequest,
    RegisterOut,
    RegisterRequest,
    TokenRequest,
)

router = APIRouter(prefix="/auth", tags=["auth"])

BAD_LINK: dict[int | str, dict[str, Any]] = {
    400: {"description": "The link is invalid, used already or expired"}
}
# Link tokens are 256-bit random values: the per-address limit is there for the load.
throttled_links = throttled_per_address("link")


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    dependencies=[throttled_per_address("register")],
)
async def register(
    body: RegisterRequest, session: SessionDep, settings: SettingsDep, limiter: RateLimiterDep
) -> RegisterOut:
    """Create an account (role `user`, plan `free`: neither can be chosen here) and mail
    a link that confirms the address. A taken address gets the same answer, and its
    owner a mail: the answer never tells whether an address has an account."""
    email = await account_service.register(
        session, body.email, body.password, str(settings.public_base_url), limiter
    )
    return RegisterOut(email=email)


@router.post(
    "/email/verify",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=BAD_LINK,
    dependencies=[throttled_links],
)
async def verify_email(body: TokenRequest, session: SessionDep) -> None:
    """Confirm the address with the token of the mailed link (no sign-in needed)."""
    await account_service.verify_email(session, body.token)


@router.post(
    "/email/verify/resend",
    status_code=status.HTTP_202_ACCEPTED,
    responses={409: {"description": "The address is confirmed already"}},
)
async def resend_verification(
    user: CurrentUser, session: SessionDep, settings: SettingsDep, limiter: RateLimiterDep
) -> Accepted:
    """Mail a new confirmation link (the older one stops working); MAIL_RATE_LIMIT per
    address, 429 past it."""
    base_url = str(settings.public_base_url)
    await account_service.resend_verification(session, user, base_url, limiter)
    return Accepted(detail=f"A new link is on its way to {user.email}.")


@router.post(
    "/password/forgot",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[throttled_per_address("forgot")],
)
async def forgot_password(
    body: PasswordForgotRequest, session: SessionDep, limiter: RateLimiterDep
) -> Accepted:
    """Mail a reset link if the address has an account. The answer, and the time it
    takes, are the same when it has none."""
    await account_service.request_password_reset(session, body.email, limiter)
    return Accepted(detail="If the address has an account, a reset link is on its way.")


@router.post(
    "/password/reset",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=BAD_LINK,
    dependencies=[throttled_links],
)
async def reset_password(
    body: PasswordResetRequest, session: SessionDep, settings: SettingsDep, response: Response
) -> None:
    """Set a new password with the token of the mailed link; every session of the user
    ends (sign in with the new password)."""
    await account_service.reset_password(session, body.token, body.new_password)
    session_cookie(settings).clear(response)


@router.post(
    "/email/change",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[throttled_per_address("email-change")],
)
async def change_email(
    body: EmailChangeRequest,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    request: Request,
) -> Accepted:
    """Mail a confirmation link to the new address; the account moves when it is opened.

    Needs the current password, throttled like a password change."""
    base_url = str(settings.public_base_url)
    async with limiter.counting_failures("email-change", user.email, client_ip(request)):
        await account_service.request_email_change(
            session, user, body.current_password, body.new_email, base_url, limiter
        )
    return Accepted(detail="Open the link we mailed to the new address to confirm it.")


@router.post(
    "/email/change/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**BAD_LINK, 409: {"description": "The new address has an account now"}},
    dependencies=[throttled_links],
)
async def confirm_email_change(body: TokenRequest, session: SessionDep) -> None:
    """Move the account to the new address (token of the link mailed there); the old
    address is told."""
    await account_service.confirm_email_change(session, body.token)
