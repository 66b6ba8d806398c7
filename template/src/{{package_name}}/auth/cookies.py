"""The session cookie: its name and attributes, chosen from the settings in one place.

Served over https (`PUBLIC_BASE_URL`; staging and production require it) the cookie is
`__Host-session`, `Secure`, `Path=/` and without `Domain`. Browsers keep a `__Host-`
cookie only on those terms, so no sibling subdomain and no plain-http page can plant or
overwrite it (session fixation by "cookie tossing"). Over plain http (development)
browsers refuse the prefix, and Safari, or any host other than localhost, drops a
`Secure` cookie, so the cookie is a plain `session` there.

Only the configured name is read: a `session` cookie sent to an https deployment is
ignored, or the prefix would protect nothing.
"""

from dataclasses import dataclass
from typing import Literal

from fastapi import Request, Response

from ..settings import Settings

NAME = "session"
HOST_PREFIX = "__Host-"
# Same-site navigations carry the cookie, cross-site subrequests and forms do not;
# cookie-authenticated writes are also checked for their origin (check_same_origin).
SAME_SITE: Literal["lax"] = "lax"


@dataclass(frozen=True)
class SessionCookie:
    name: str
    secure: bool

    def read(self, request: Request) -> str | None:
        return request.cookies.get(self.name)

    def set(self, response: Response, token: str, max_age: int) -> None:
        response.set_cookie(
            self.name,
            token,
            max_age=max_age,
            path="/",
            httponly=True,
            secure=self.secure,
            samesite=SAME_SITE,
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(
            self.name, path="/", httponly=True, secure=self.secure, samesite=SAME_SITE
        )


def session_cookie(settings: Settings) -> SessionCookie:
    """`__Host-session` (Secure) over https and always in staging and production;
    `session` on a plain-http development machine."""
    secure = settings.public_base_url.scheme == "https" or settings.app_env in {
        "staging",
        "production",
    }
    return SessionCookie(name=HOST_PREFIX + NAME if secure else NAME, secure=secure)
