"""What makes settings unsafe to deploy, said without ever repeating a value.

Staging and production refuse to start on any of these problems (and
`check-config` lists them all); development and tests only warn.
"""

from __future__ import annotations

import ipaddress
import math
import string
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError

from .features import PAYMENTS

if TYPE_CHECKING:
    from .settings import Settings

# A key must carry at least 32 bytes of entropy (what `secrets.token_urlsafe(32)` gives).
MIN_SECRET_BITS = 256
# Fewer distinct characters than this means a pattern, not a random key.
MIN_SECRET_DISTINCT_CHARACTERS = 16
# Substrings that mark a placeholder; long enough never to occur in a random key by chance.
PLACEHOLDER_MARKERS = ("change-me", "changeme", "replace", "placeholder", "example", "dummy")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"}  # noqa: S104  (names, not binds)
PLACEHOLDER_DOMAIN = "example.com"
# Every signing secret of a Stripe webhook endpoint (and of `stripe listen`) starts so.
STRIPE_SIGNING_PREFIX = "whsec_"
# Stripe's secret keys (sk_live_, sk_test_) and restricted keys (rk_...); pk_ is publishable.
STRIPE_SECRET_KEY_PREFIXES = ("sk_", "rk_")
_ALPHABETS = (
    frozenset(string.hexdigits.lower()),
    frozenset(string.ascii_letters + string.digits + "-_"),
    frozenset(string.printable.strip()),
)


class ConfigError(Exception):
    """The configuration cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid configuration:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


def estimated_entropy_bits(key: str) -> float:
    """An upper bound on a key's entropy: length x log2(the smallest usual alphabet holding it).

    The alphabets are those generators draw from (hex, base64url, printable
    ASCII), not the character classes a key happens to show: a random base64url
    key without a digit is no weaker than one with.
    """
    for alphabet in _ALPHABETS:
        if set(key) <= alphabet:
            return len(key) * math.log2(len(alphabet))
    return len(key) * math.log2(len(_ALPHABETS[-1]) + len(set(key) - _ALPHABETS[-1]))


def _is_placeholder(value: str) -> bool:
    return any(marker in value.lower() for marker in PLACEHOLDER_MARKERS)


def secret_problem(name: str, secret: SecretStr) -> str | None:
    """Why `secret` is not a usable key, or None."""
    key = secret.get_secret_value()
    if _is_placeholder(key):
        return f"{name} is a placeholder: set a random value"
    bits = estimated_entropy_bits(key)
    if bits < MIN_SECRET_BITS or len(set(key)) < MIN_SECRET_DISTINCT_CHARACTERS:
        return (
            f"{name} is too weak: needs {MIN_SECRET_BITS} bits of randomness, "
            "e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    return None


def _trusts_everyone(forwarded_allow_ips: str) -> bool:
    """`*`, or a network like 0.0.0.0/0 that contains every address."""
    for entry in (part.strip() for part in forwarded_allow_ips.split(",")):
        if entry == "*":
            return True
        try:
            if ipaddress.ip_network(entry, strict=False).prefixlen == 0:
                return True
        except ValueError:
            continue  # a host name or a unix socket path
    return False


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _payment_problems(settings: Settings) -> list[str]:
    """Stripe's signing secret, API key and price: without them, no one can pay, or no
    payment changes a plan."""
    problems: list[str] = []
    webhook_secret = settings.stripe_webhook_secret
    if webhook_secret is None:
        problems.append(
            "STRIPE_WEBHOOK_SECRET is not set: every Stripe event would be refused, "
            "so no payment would change a plan"
        )
    elif _is_placeholder(webhook_secret.get_secret_value()):
        problems.append("STRIPE_WEBHOOK_SECRET is a placeholder: set the endpoint's signing secret")
    elif not webhook_secret.get_secret_value().startswith(STRIPE_SIGNING_PREFIX):
        problems.append("STRIPE_WEBHOOK_SECRET is not a Stripe webhook signing secret (whsec_...)")
    api_key = settings.stripe_api_key
    if api_key is None:
        problems.append("STRIPE_API_KEY is not set: no checkout could start, so no one could pay")
    elif _is_placeholder(api_key.get_secret_value()):
        problems.append("STRIPE_API_KEY is a placeholder: set the key from Stripe's dashboard")
    elif not api_key.get_secret_value().startswith(STRIPE_SECRET_KEY_PREFIXES):
        problems.append("STRIPE_API_KEY is not a Stripe secret key (sk_... or rk_...)")
    if settings.stripe_price_id is None:
        problems.append(
            "STRIPE_PRICE_ID is not set: no checkout could start, and every Stripe event "
            "would be refused"
        )
    if settings.stripe_api_base.scheme != "https":
        problems.append(
            "STRIPE_API_BASE is not https: the API key would cross the network unencrypted"
        )
    return problems


def _mail_problems(settings: Settings) -> list[str]:
    """Where mail goes: a real provider, from a real domain."""
    problems: list[str] = []
    smtp_host = _host(settings.smtp_url.get_secret_value())
    if smtp_host in LOCAL_HOSTS or smtp_host.endswith(".localhost"):
        problems.append(
            "SMTP_URL points at this machine (the development catcher): set the provider's "
            "SMTP server, or no account mail would leave"
        )
    sender_domain = settings.email_from.rstrip(">").rpartition("@")[2].lower()
    if sender_domain in LOCAL_HOSTS or sender_domain.endswith(".localhost"):
        problems.append("EMAIL_FROM is a localhost address: receivers would refuse the mail")
    elif sender_domain == PLACEHOLDER_DOMAIN or sender_domain.endswith("." + PLACEHOLDER_DOMAIN):
        problems.append("EMAIL_FROM is the example.com placeholder: set your domain")
    return problems


def deployment_problems(settings: Settings) -> list[str]:
    """Every reason these settings must not run in staging or production."""
    problems: list[str] = []
    secrets = [("SECRET_KEY", settings.secret_key)]
    secrets += [("SECRET_KEY_FALLBACKS", key) for key in settings.secret_key_fallbacks]
    if settings.metrics_token is not None:
        secrets.append(("METRICS_TOKEN", settings.metrics_token))
    problems += [problem for name, key in secrets if (problem := secret_problem(name, key))]
    if settings.debug:
        problems.append("DEBUG is on: it shows tracebacks to users")
    public_url = str(settings.public_base_url)
    if settings.public_base_url.scheme != "https":
        problems.append("PUBLIC_BASE_URL is not https")
    host = _host(public_url)
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        problems.append("PUBLIC_BASE_URL points at this machine (localhost)")
    elif host == PLACEHOLDER_DOMAIN or host.endswith("." + PLACEHOLDER_DOMAIN):
        problems.append("PUBLIC_BASE_URL is the example.com placeholder: set your domain")
    local_origins = [o for o in settings.cors_origins if o != "*" and _host(o) in LOCAL_HOSTS]
    if local_origins:
        problems.append("CORS_ORIGINS allows localhost")
    if "*" in settings.cors_origins and settings.cors_allow_credentials:
        problems.append(
            "CORS_ORIGINS is * while CORS_ALLOW_CREDENTIALS is on: any site could act as the user"
        )
    if _trusts_everyone(settings.forwarded_allow_ips):
        problems.append(
            "FORWARDED_ALLOW_IPS trusts every address: any client could forge its own in "
            "X-Forwarded-For"
        )
    if any(origin.startswith("http://") for origin in settings.cors_origins):
        problems.append("CORS_ORIGINS has an http:// origin")
    if settings.web_concurrency > 1 and settings.prometheus_multiproc_dir is None:
        problems.append(
            "PROMETHEUS_MULTIPROC_DIR is not set while WEB_CONCURRENCY > 1: "
            "/metrics would show one worker's numbers"
        )
    if settings.metrics_token is None:
        problems.append(
            "METRICS_TOKEN is not set: /metrics would show every route and its traffic to anyone"
        )
    if settings.redis_url is None:
        problems.append(
            "REDIS_URL is not set: each worker and instance would keep its own rate limits "
            "(multiplying them), and a restart would reset them"
        )
    problems += _mail_problems(settings)
    if PAYMENTS:
        problems += _payment_problems(settings)
    return problems


def describe_validation_error(error: ValidationError) -> list[str]:
    """One line per invalid variable, without the value that was given."""
    lines = []
    for detail in error.errors(include_input=False, include_url=False):
        name = "_".join(str(part) for part in detail["loc"][:1]).upper() or "settings"
        if detail["type"] == "missing":
            lines.append(f"{name} is not set")
        else:
            message = detail["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {message}")
    return lines
