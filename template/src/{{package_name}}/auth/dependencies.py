"""Who is calling: `CurrentUser` for signed-in routes, `AdminUser` for admin routes.

Every check is here, on the server; the API layer declares which one a route needs.
"""

from typing import Annotated

from fastapi import Depends, Request

from ..db import SessionDep
from ..errors import Forbidden, Unauthorized
from . import service
from .models import AuthSession, Role, User

SESSION_COOKIE = "session"
# Longer than any token we issue: refused before touching the database.
MAX_TOKEN_LENGTH = 128
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def presented_token(request: Request) -> str | None:
    """The bearer token (API clients) or the session cookie (browsers)."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    return request.cookies.get(SESSION_COOKIE)


async def current_session(request: Request, session: SessionDep) -> AuthSession:
    token = presented_token(request)
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


async def admin_user(user: CurrentUser) -> User:
    if user.role is not Role.ADMIN:
        raise Forbidden("This needs an administrator.")
    return user


AdminUser = Annotated[User, Depends(admin_user)]
