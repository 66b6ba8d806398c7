"""Sign-in, sign-out, who am I, the user's sessions and password changes (sign-up and
the mailed-link flows are in account_router.py)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from ..db.session import SessionDep
from ..kit.dependencies import SettingsDep
from ..kit.pagination import PageDep
from ..kit.schemas import MAX_ID
from ..middleware.client_ip import client_ip
from . import service
from .cookies import session_cookie
from .dependencies import (
    CurrentSession,
    CurrentUser,
    RateLimiterDep,
    session_limits,
    throttled_per_address,
)
from .schemas import (
    ActiveSessionOut,
    ActiveSessionPage,
    LoginRequest,
    PasswordChangeRequest,
    SessionOut,
    UserOut,
)

router = APIRouter(prefix="/auth", tags=["auth"])

SessionId = Annotated[int, Path(ge=1, le=MAX_ID)]
KeepCurrent = Annotated[
    bool, Query(description="Keep the session making this request: sign out everywhere else")
]


@router.post("/login", dependencies=[throttled_per_address("login")])
async def login(
    body: LoginRequest,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    request: Request,
    response: Response,
) -> SessionOut:
    """Start a session: the token comes back once, as an HttpOnly cookie and (unless
    `token_in_body` is false, as browsers send it) in the body."""
    account, limits = service.normalize_email(body.email), session_limits(settings)
    async with limiter.counting_failures("login", account, client_ip(request)):
        started = await service.login(session, body.email, body.password, limits)
    session_cookie(settings).set(response, started.token, int(limits.lifetime.total_seconds()))
    return SessionOut(
        access_token=started.token if body.token_in_body else None,
        expires_at=started.expires_at,
        user=UserOut.model_validate(started.user),
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    auth_session: CurrentSession, session: SessionDep, settings: SettingsDep, response: Response
) -> None:
    """End this session on the server: its token stops working everywhere at once."""
    await service.logout(session, auth_session)
    session_cookie(settings).clear(response)


@router.get("/me")
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.get("/sessions")
async def list_sessions(
    auth_session: CurrentSession, session: SessionDep, settings: SettingsDep, page: PageDep
) -> ActiveSessionPage:
    """Your signed-in sessions, the most recently used first; `current` marks this one."""
    idle = session_limits(settings).idle
    rows = await service.sessions_of(session, auth_session.user, idle, page.limit, page.offset)
    items = [
        ActiveSessionOut(
            id=row.id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
            current=row.id == auth_session.id,
        )
        for row in rows
    ]
    return ActiveSessionPage.of(items, page)


@router.delete("/sessions", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_sessions(
    auth_session: CurrentSession,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    keep_current: KeepCurrent = False,
) -> None:
    """Sign out everywhere, this session included; `?keep_current=true` keeps this one."""
    keep = auth_session if keep_current else None
    await service.revoke_sessions(session, auth_session.user, keep=keep)
    if keep is None:
        session_cookie(settings).clear(response)


@router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "You have no session with this id"}},
)
async def revoke_session(
    session_id: SessionId,
    auth_session: CurrentSession,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> None:
    """Sign one of your sessions out (a lost phone); anyone else's is 404, like a missing one."""
    await service.revoke_session(session, auth_session.user, session_id)
    if session_id == auth_session.id:
        session_cookie(settings).clear(response)


@router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[throttled_per_address("password")],
)
async def change_password(
    body: PasswordChangeRequest,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    request: Request,
    response: Response,
) -> None:
    """Change the password; every session of the user ends, this one included.

    Throttled like sign-in (per address, and wrong current passwords per account): a
    stolen session must not give unlimited guesses at the current password."""
    async with limiter.counting_failures("password", user.email, client_ip(request)):
        await service.change_password(session, user, body.current_password, body.new_password)
    session_cookie(settings).clear(response)
