"""Who is calling: `CurrentUser` for signed-in routes, `AdminUser` for admin routes,
`PaidUser` behind the paywall.

Every check is here, on the server; the API layer declares which one a route needs.
"""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from ..db.session import SessionDep
from ..errors import Forbidden, PaymentRequired, Unauthorized
from ..kit.dependencies import SettingsDep
from ..settings import Settings
from . import service
from .models import AuthSession, Plan, Role, User
from .rate_limit import RateLimiter

SESSION_COOKIE = "session"
# Longer than any token we issue: refused before touching the database.
MAX_TOKEN_LENGTH = 128
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def trusted_origins(settings: Settings) -> set[str]:
    return {_origin(str(settings.public_base_url))} | {
        _origin(origin) for origin in settings.cors_origins if origin != "*"
    }


def check_same_origin(request: Request, settings: Settings) -> None:
    """CSRF defence for cookie-authenticated writes: the browser's Origin (or Referer)
    must be the app's own or an allowed CORS origin. Bearer tokens need no check:
    a browser never attaches them to a forged cross-site request."""
    if request.method in SAFE_METHODS:
        return
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None or _origin(source) not in trusted_origins(settings):
        raise Forbidden("Cross-site request refused: send it from the app's own origin.")


async def current_session(
    request: Request, session: SessionDep, settings: SettingsDep
) -> AuthSession:
    token = bearer_token(request)
    if token is None and (token := request.cookies.get(SESSION_COOKIE)):
        check_same_origin(request, settings)
    if not token:
        raise Unauthorized("Sign in to continue.", headers=_CHALLENGE)
    auth_session = (
        await service.authenticate(session, token) if len(token) <= MAX_TOKEN_LENGTH else None
    )
    if auth_session is None:
        raise Unauthorized(
            "The session has expired or was revoked: sign in again.", headers=_CHALLENGE
        )
    return auth_session


CurrentSession = Annotated[AuthSession, Depends(current_session)]


async def current_user(auth_session: CurrentSession) -> User:
    return auth_session.user


CurrentUser = Annotated[User, Depends(current_user)]


async def current_user_id(user: CurrentUser) -> int:
    """The caller's id: whose idempotency keys, for instance."""
    return user.id


async def admin_user(user: CurrentUser) -> User:
    if user.role is not Role.ADMIN:
        raise Forbidden("This needs an administrator.")
    return user


AdminUser = Annotated[User, Depends(admin_user)]


async def paid_user(user: CurrentUser) -> User:
    """The paywall: the plan is read from the database for every request, never from the client."""
    if user.plan is not Plan.PAID:
        raise PaymentRequired("This needs a paid plan.")
    return user


PaidUser = Annotated[User, Depends(paid_user)]


async def rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(rate_limiter)]
