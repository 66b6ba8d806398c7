from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from ..db.session import SessionDep
from ..errors import Unauthorized
from ..kit.dependencies import SettingsDep
from ..middleware.client_ip import client_ip
from ..settings import Settings
from . import service
from .dependencies import (
    SESSION_COOKIE,
    CurrentSession,
    CurrentUser,
    RateLimiterDep,
)
from .schemas import LoginRequest, PasswordChangeRequest, RegisterRequest, SessionOut, UserOut

router = APIRouter(prefix="/auth", tags=["auth"])


def _lifetime(settings: Settings) -> timedelta:
    return timedelta(hours=settings.session_lifetime_hours)


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(
    body: RegisterRequest, session: SessionDep, limiter: RateLimiterDep, request: Request
) -> UserOut:
    """Create an account (role `user`, plan `free`: neither can be chosen here)."""
    await limiter.check("register", client_ip(request))
    user = await service.register(session, body.email, body.password)
    return UserOut.model_validate(user)


@router.post("/login")
async def login(
    body: LoginRequest,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    request: Request,
    response: Response,
) -> SessionOut:
    """Start a session: the token comes back once, in the body and as an HttpOnly cookie."""
    address, account = client_ip(request), service.normalize_email(body.email)
    await limiter.check("login", address)
    await limiter.refuse_locked("login", account, address)
    try:
        started = await service.login(session, body.email, body.password, _lifetime(settings))
    except Unauthorized:
        await limiter.count_failure("login", account, address)
        raise
    response.set_cookie(
        SESSION_COOKIE,
        started.token,
        max_age=int(_lifetime(settings).total_seconds()),
        httponly=True,
        secure=True,
        samesite="lax",
    )
    return SessionOut(
        access_token=started.token,
        expires_at=started.expires_at,
        user=UserOut.model_validate(started.user),
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(auth_session: CurrentSession, session: SessionDep, response: Response) -> None:
    """End this session on the server: its token stops working everywhere at once."""
    await service.logout(session, auth_session)
    response.delete_cookie(SESSION_COOKIE, httponly=True, secure=True, samesite="lax")


@router.get("/me")
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    body: PasswordChangeRequest,
    user: CurrentUser,
    session: SessionDep,
    limiter: RateLimiterDep,
    request: Request,
    response: Response,
) -> None:
    """Change the password; every session of the user ends, this one included.

    Throttled like sign-in (per address, and wrong current passwords per account): a
    stolen session must not give unlimited guesses at the current password."""
    address = client_ip(request)
    await limiter.check("password", address)
    await limiter.refuse_locked("password", user.email, address)
    try:
        await service.change_password(session, user, body.current_password, body.new_password)
    except Unauthorized:
        await limiter.count_failure("password", user.email, address)
        raise
    response.delete_cookie(SESSION_COOKIE, httponly=True, secure=True, samesite="lax")
