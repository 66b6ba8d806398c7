"""Signed, expiring tokens (links in emails, CSRF tokens) with key rotation.

Tokens are signed with SECRET_KEY and verified against it and every key in
SECRET_KEY_FALLBACKS, so a key can be rotated without invalidating what was
signed with the previous one (see the README: "Rotating SECRET_KEY").
"""

from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..settings import Settings


class InvalidToken(Exception):
    """A token that is forged, tampered with, signed with a retired key, or expired."""


def serializer(settings: Settings, purpose: str) -> URLSafeTimedSerializer:
    """A serializer for one purpose (a token for one purpose is useless for another)."""
    # itsdangerous signs with the last key and accepts any of them.
    keys = [key.get_secret_value() for key in settings.secret_key_fallbacks]
    keys.append(settings.secret_key.get_secret_value())
    return URLSafeTimedSerializer(keys, salt=purpose)


def sign(settings: Settings, purpose: str, payload: Any) -> str:
    """A URL-safe token carrying `payload`."""
    return serializer(settings, purpose).dumps(payload)


def unsign(settings: Settings, purpose: str, token: str, max_age_seconds: int) -> Any:
    """The payload of a valid token no older than `max_age_seconds`; else InvalidToken."""
    try:
        return serializer(settings, purpose).loads(token, max_age=max_age_seconds)
    except BadSignature as error:  # SignatureExpired is a BadSignature
        raise InvalidToken(purpose) from error
