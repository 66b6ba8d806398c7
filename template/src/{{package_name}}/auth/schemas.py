from datetime import datetime
from typing import Literal

from pydantic import EmailStr, Field

from ..kit.schemas import RequestModel, ResponseModel
from .models import Plan, Role

# argon2 hashes any length; the bound keeps one request from costing seconds.
MAX_PASSWORD_LENGTH = 128
MIN_PASSWORD_LENGTH = 12


class RegisterRequest(RequestModel):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class LoginRequest(RequestModel):
    # Not validated as an address: a malformed one fails like a wrong password.
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class PasswordChangeRequest(RequestModel):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class UserOut(ResponseModel):
    id: int
    email: str
    role: Role
    plan: Plan


class SessionOut(ResponseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (the scheme, not a secret)
    expires_at: datetime
    user: UserOut
