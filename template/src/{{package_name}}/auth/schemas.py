from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, EmailStr, Field

from ..kit.pagination import PageOut
from ..kit.schemas import RequestModel, ResponseModel
from .models import Plan, Role
from .password_policy import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, is_common


def _uncommon(password: str) -> str:
    if is_common(password):
        raise ValueError("is one of the most common passwords: choose a less guessable one")
    return password


# A password being set: the policy's length (in the schema, so OpenAPI shows it) and list.
NewPassword = Annotated[
    str,
    Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH),
    AfterValidator(_uncommon),
]


class RegisterRequest(RequestModel):
    email: EmailStr = Field(max_length=320)
    password: NewPassword


class RegisterOut(ResponseModel):
    """The same for a new address and a taken one: the owner of a taken one gets a mail."""

    email: str
    detail: str = "Check your inbox: the link in our mail confirms the address."


# A token from a mailed link (its `#token=` part); longer than any we issue is refused.
LinkToken = Annotated[str, Field(min_length=1, max_length=128)]


class TokenRequest(RequestModel):
    token: LinkToken


class PasswordForgotRequest(RequestModel):
    email: EmailStr = Field(max_length=320)


class PasswordResetRequest(RequestModel):
    token: LinkToken
    new_password: NewPassword


class EmailChangeRequest(RequestModel):
    new_email: EmailStr = Field(max_length=320)
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class Accepted(ResponseModel):
    """202: the request is taken; what follows arrives by mail."""

    detail: str


class LoginRequest(RequestModel):
    # Not validated as an address: a malformed one fails like a wrong password.
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    token_in_body: bool = Field(
        True,
        description="false from a browser: the session is then only in the HttpOnly "
        "cookie, which no script on the page can read",
    )


class PasswordChangeRequest(RequestModel):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: NewPassword


class UserOut(ResponseModel):
    id: int
    email: str
    email_verified: bool  # booking and paying need a confirmed address
    role: Role
    plan: Plan


class SessionOut(ResponseModel):
    access_token: str | None  # None when the login asked for the cookie only
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (the scheme, not a secret)
    expires_at: datetime
    user: UserOut


class ActiveSessionOut(ResponseModel):
    """A signed-in device, as its owner sees it (never its token or the token's hash)."""

    id: int
    created_at: datetime
    # Recorded to the minute: requests within a minute of the last one write nothing.
    last_seen_at: datetime
    expires_at: datetime
    current: bool  # the session this request was made with


class ActiveSessionPage(PageOut):
    items: list[ActiveSessionOut]
