"""Who is calling: `CurrentUser` for signed-in routes, `VerifiedUser` for what needs a
confirmed address (booking, paying), `AdminUser` for admin routes, `PaidUser` behind the
paywall; `throttled_per_address` in front of sign-up, sign-in and
password changes.

Every check is here, on the server; the API layer declares which one a route needs.
"""

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request

from ..db.session import SessionDep
from ..errors import Forbidden, PaymentRequired, Unauthorized
from ..kit.dependencies import SettingsDep
from ..middleware.client_ip import client_ip
from ..settings import Settings
from . import service
from .cookies import session_cookie
from .models import AuthSession, Plan, Role, User
from .rate_limit import RateLimiter

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


# One machine, two names: a developer opens http://127.0.0.1:8000 as often as
# http://localhost:8000 (PUBLIC_BASE_URL's default), and both are this server.
_LOOPBACK_TWINS = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}


def trusted_origins(settings: Settings) -> set[str]:
    origins = {_origin(str(settings.public_base_url))} | {
        _origin(origin) for origin in settings.cors_origins if origin != "*"
    }
    if settings.app_env == "development":
        for origin in list(origins):
            parts = urlsplit(origin)
            if (twin := _LOOPBACK_TWINS.get(parts.hostname or "")) is not None:
                port = f":{parts.port}" if parts.port else ""
                origins.add(f"{parts.scheme}://{twin}{port}")
    return origins


def check_same_origin(request: Request, settings: Settings) -> None:
    """CSRF defence for cookie-authenticated writes: the browser's Origin (or Referer)
    must be the app's own or an allowed CORS origin. Bearer tokens need no check:
    a browser never attaches them to a forged cross-site request."""
    if request.method in SAFE_METHODS:
        return
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None or _origin(source) not in trusted_origins(settings):
        raise Forbidden("Cross-site request refused: send it from the app's own origin.")


def session_limits(settings: Settings) -> service.SessionLimits:
    return service.SessionLimits(
        lifetime=timedelta(hours=settings.session_lifetime_hours),
        idle=timedelta(minutes=settings.session_idle_minutes),
    )


async def current_session(
    request: Request, session: SessionDep, settings: SettingsDep
) -> AuthSession:
    """The one place a request's session is resolved: bearer token or cookie, live
    (neither past its lifetime nor idle too long), and origin-checked for cookie writes."""
    token = bearer_token(request)
    if token is None and (token := session_cookie(settings).read(request)):
        check_same_origin(request, settings)
    if not token:
        raise Unauthorized("Sign in to continue.", headers=_CHALLENGE)
    idle = session_limits(settings).idle
    auth_session = (
        await service.authenticate(session, token, idle) if len(token) <= MAX_TOKEN_LENGTH else None
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


async def verified_user(user: CurrentUser) -> User:
    """A user who confirmed their address: an unconfirmed account can sign in and look
    around, but not book or pay (a typo'd address would never get the receipts)."""
    if not user.email_verified:
        raise Forbidden("Confirm your email address first: open the link we mailed you.")
    return user


VerifiedUser = Annotated[User, Depends(verified_user)]


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


def throttled_per_address(action: str) -> Any:  # what `Depends` returns
    """A route dependency counting every attempt at `action` from the client's address
    (AUTH_RATE_LIMIT): 429 past it.

    FastAPI solves a route's dependencies before it validates the body, so a flood of
    malformed bodies is refused like valid ones, before the validation work; in the
    handler the count would come after a 422 already went out, uncounted.
    """

    async def count_attempt(request: Request, limiter: RateLimiterDep) -> None:
        await limiter.check(action, client_ip(request))

    return Depends(count_attempt)
