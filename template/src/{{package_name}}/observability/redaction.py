"""Removing secrets and personal data from anything that leaves the process
(log lines, Sentry events): by key name, by shape, and by known value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from ..settings import Settings

REDACTED = "[REDACTED]"

# Keys whose values are never shown, matched as substrings of the lower-cased key.
SENSITIVE_KEY_PARTS = (
    "authorization",
    "cookie",
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "dsn",
    "database_url",
    "redis_url",
    "credential",
    "session",
    "signature",
    "email",
)

_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s:@]*:[^/\s@]+@")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
# "password=...", "token: ..." inside free text (connection strings, error messages).
_KEY_VALUE = re.compile(
    r"(?i)(?<![A-Za-z0-9])([A-Za-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key))"
    r"(\s*[=:]\s*)([^\s,;&'\"]+)"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# The values database errors quote, whatever `hide_parameters` says: asyncpg's
# "invalid input for query argument $1: 'the value' (why)" and PostgreSQL's
# "Key (email)=(the value) already exists".
_DRIVER_ARGUMENT = re.compile(r"(query argument \$\d+: ).*?(?= \(|$)", re.MULTILINE)
# The rest of the line, whatever parentheses the key and values hold (an exclusion
# constraint's "Key (tstzrange(a, b))=(...) conflicts with existing key (...)=(...)").
_KEY_DETAIL = re.compile(r"(\bKey \().*$", re.MULTILINE)


def is_sensitive_key(key: str) -> bool:
    lowered = key.lower().replace("-", "_")
    return any(part in lowered for part in SENSITIVE_KEY_PARTS)


class Redactor:
    """Scrubs strings and nested structures; knows the app's own secret values."""

    def __init__(self, secret_values: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self.secret_values = sorted(
            {v for v in secret_values if len(v) >= 6}, key=len, reverse=True
        )

    def text(self, value: str) -> str:
        for secret in self.secret_values:
            value = value.replace(secret, REDACTED)
        value = _URL_CREDENTIALS.sub(rf"\g<scheme>{REDACTED}@", value)
        value = _BEARER.sub(rf"\1 {REDACTED}", value)
        value = _KEY_VALUE.sub(rf"\1\2{REDACTED}", value)
        value = _DRIVER_ARGUMENT.sub(rf"\1{REDACTED}", value)
        value = _KEY_DETAIL.sub(rf"\1{REDACTED})", value)
        return _EMAIL.sub(REDACTED, value)

    def value(self, value: Any, depth: int = 0) -> Any:
        """A scrubbed copy of `value` (dicts, lists, tuples and strings; others as they are)."""
        if depth > 20:
            return REDACTED
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {
                key: REDACTED
                if isinstance(key, str) and is_sensitive_key(key) and item not in (None, "")
                else self.value(item, depth + 1)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return type(value)(self.value(item, depth + 1) for item in value)
        return value


def redactor_for(settings: Settings) -> Redactor:
    """A redactor that knows every secret value these settings hold."""
    secrets = [settings.secret_key.get_secret_value()]
    secrets += [key.get_secret_value() for key in settings.secret_key_fallbacks]
    if settings.sentry_dsn is not None:
        secrets.append(settings.sentry_dsn.get_secret_value())
    for stripe_secret in (settings.stripe_api_key, settings.stripe_webhook_secret):
        if stripe_secret is not None:
            secrets.append(stripe_secret.get_secret_value())
    for url in (settings.database_url, str(settings.redis_url or "")):
        secrets.append(url)
        password = urlsplit(url).password
        if password:
            secrets += [password, unquote(password)]
    return Redactor(secrets)
