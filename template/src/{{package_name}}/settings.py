"""The one place configuration is read: typed, parsed, and failing fast.

Every value comes from an environment variable named after the field in upper
case (or from a local `.env` in development); nothing else in the app reads
`os.environ`. Each field's description is the documentation: `.env.example`
and the README's table are generated from it (`python -m devtools.settings_doc`).
The rules for staging and production live in `settings_checks.py`.
"""

import logging
import os
import re
import secrets
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from limits import parse
from pydantic import (
    AfterValidator,
    Field,
    HttpUrl,
    RedisDsn,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .settings_checks import ConfigError, deployment_problems, describe_validation_error

logger = logging.getLogger(__name__)

AppEnv = Literal["development", "test", "staging", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+asyncpg"}
# Query parameters asyncpg understands (`host` also carries a unix socket directory).
_ASYNCPG_QUERY_PARAMETERS = {"host", "port", "ssl", "prepared_statement_cache_size"}
SMTP_SCHEMES = {"smtp": 587, "smtps": 465}  # and their default ports


def _to_asyncpg_url(value: str) -> str:
    """Accept any PostgreSQL URL and return it for the asyncpg driver.

    Anything else (SQLite above all) is refused in every environment, so what
    passes locally passes in production.
    """
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError("is not a valid database URL") from None
    if url.drivername not in _POSTGRES_SCHEMES:
        raise ValueError(f"must be a PostgreSQL URL, not {url.drivername}")
    if not url.database:
        raise ValueError("must name a database")
    query = dict(url.query)
    # Providers hand out libpq's `sslmode`; asyncpg takes the same values as `ssl`.
    if "sslmode" in query:
        query["ssl"] = query.pop("sslmode")
    if unknown := set(query) - _ASYNCPG_QUERY_PARAMETERS:
        raise ValueError(f"has parameters the driver does not take: {', '.join(sorted(unknown))}")
    url = url.set(drivername="postgresql+asyncpg", query=query)
    return url.render_as_string(hide_password=False)


PostgresUrl = Annotated[str, AfterValidator(_to_asyncpg_url)]
CommaSeparated = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """Configuration from environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    app_env: AppEnv = Field(
        "development",
        description="Which environment this is: development, test, staging or production",
    )
    debug: bool = Field(
        False, description="Tracebacks in error responses; refused outside development"
    )
    secret_key: SecretStr = Field(
        description="Signs tokens and links: 43+ random characters (`make secret` prints one)",
        examples=["change-me"],
    )
    secret_key_fallbacks: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Previous secret keys, comma-separated, still accepted while rotating",
    )
    database_url: PostgresUrl = Field(
        description="PostgreSQL URL, e.g. postgresql://app@db.internal:5432/app "
        "(empty: `make dev` starts an embedded PostgreSQL)",
        examples=[""],
    )
    database_pool_size: int = Field(
        5, ge=1, le=100, description="Connections each worker keeps open to the database"
    )
    database_max_overflow: int = Field(
        10, ge=0, le=100, description="Extra connections a worker may open under load"
    )
    database_pool_timeout: float = Field(
        10.0, gt=0, le=300, description="Seconds a request waits for a free database connection"
    )
    auth_rate_limit: str = Field(
        "10/minute",
        description="Sign-ups, sign-ins and password changes allowed per client address, "
        "e.g. 10/minute or 100/hour",
    )
    auth_address_failures: str = Field(
        "5 per 15 minutes",
        description="Failed sign-ins allowed per account from one client address",
    )
    auth_account_failures: str = Field(
        "100/hour",
        description="Failed sign-ins allowed per account from all addresses together "
        "(keep it above what one address may fail: one attacker cannot lock the owner out)",
    )
    mail_rate_limit: str = Field(
        "5/hour",
        description="Mails nobody signed in asked for (password reset, sign-up with a taken "
        "address, confirmation sent again) allowed per recipient; more are not sent",
    )
    session_lifetime_hours: int = Field(
        336, ge=1, le=8760, description="Hours a sign-in lasts before the user signs in again"
    )
    session_idle_minutes: int = Field(
        4320,
        ge=5,
        le=525_600,
        # Checked against the lifetime only when set: under a shorter lifetime the
        # default simply never bites.
        validate_default=False,
        description="Minutes a session may go unused before it ends (4320: three days); "
        "use keeps it alive until SESSION_LIFETIME_HOURS",
    )
    public_base_url: HttpUrl = Field(
        HttpUrl("http://localhost:8000"),
        description="Where users reach the app; absolute links are built from it "
        "(https outside development)",
    )
    cors_origins: CommaSeparated = Field(
        default_factory=list,
        description="Browser origins allowed to call the API, comma-separated (empty: none)",
    )
    cors_allow_credentials: bool = Field(
        False, description="Let those origins send cookies; never together with `*`"
    )
    redis_url: RedisDsn | None = Field(
        None, description="Redis for state shared by all workers, such as rate limits"
    )
    web_concurrency: int = Field(
        1, ge=1, le=64, description="Worker processes serving requests (read by uvicorn too)"
    )
    database_connect_timeout: float = Field(
        5.0, gt=0, le=60, description="Seconds to wait for the database to accept a connection"
    )
    database_statement_timeout: float = Field(
        30.0, gt=0, le=3600, description="Seconds a query may run before it is cancelled"
    )
    slow_query_threshold_ms: int = Field(
        500, ge=1, description="Queries slower than this are logged and counted as slow"
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies trusted for X-Forwarded-For, comma-separated (never `*`)",
    )
    max_request_body_bytes: int = Field(
        1_048_576,
        ge=1024,
        le=104_857_600,
        description="Largest request body accepted, in bytes; larger ones get 413 unread",
    )
    openapi_enabled: bool | None = Field(
        None,
        description="Serve /docs, /redoc and /openapi.json (unset: everywhere but production)",
    )
    graceful_shutdown_timeout: int = Field(
        20, ge=1, le=600, description="Seconds in-flight requests get to finish on SIGTERM"
    )
    http_timeout: float = Field(
        5.0, gt=0, le=120, description="Seconds to wait for another service's answer"
    )
    http_connect_timeout: float = Field(
        2.0, gt=0, le=60, description="Seconds to wait to connect to another service"
    )
    smtp_url: SecretStr = Field(
        SecretStr("smtp://127.0.0.1:1025"),
        description="SMTP server mail is sent through: smtp://host:587 (STARTTLS) or "
        "smtps://host:465 (TLS), a user and password before the host; the default is "
        "`make dev`'s mail catcher",
    )
    smtp_timeout: float = Field(
        10.0, gt=0, le=120, description="Seconds to wait for the SMTP server at each step"
    )
    email_from: str = Field(
        "no-reply@localhost",
        min_length=3,
        max_length=320,
        description="Sender of the app's mail, e.g. Acme <no-reply@acme.example>",
    )
    job_retries: int = Field(
        10,
        ge=0,
        le=50,
        description="Times a failed background job is tried again (after 2 s, 4 s, 8 s, ... "
        "up to JOB_RETRY_MAX_SECONDS) before it is kept as failed",
    )
    job_retry_max_seconds: float = Field(
        600.0, ge=1, le=86_400, description="Longest wait between two tries of a job"
    )
    worker_metrics_port: int = Field(
        9101,
        ge=1,
        le=65_535,
        description="Port of the job worker's GET /metrics (METRICS_TOKEN as for the app's) "
        "and GET /healthz (its liveness probe)",
    )
    log_level: LogLevel = Field("INFO", description="DEBUG, INFO, WARNING, ERROR or CRITICAL")
    sentry_dsn: SecretStr | None = Field(
        None, description="Sentry project DSN; error reporting is off when unset"
    )
    sentry_traces_sample_rate: float = Field(
        0.0, ge=0, le=1, description="Share of requests traced for Sentry performance (0 to 1)"
    )
    stripe_api_key: SecretStr | None = Field(
        None, description="Stripe secret API key (sk_...), for creating checkout sessions"
    )
    stripe_webhook_secret: SecretStr | None = Field(
        None,
        description="Signing secret of the Stripe webhook endpoint (whsec_...); "
        "required in staging and production when the app takes payments",
    )
    stripe_price_id: str | None = Field(
        None,
        pattern=r"^price_[A-Za-z0-9]{1,200}$",
        description="The Stripe price (price_...) checkouts sell: a subscription to it is "
        "the paid plan; required in staging and production when the app takes payments",
    )
    stripe_api_base: HttpUrl = Field(
        HttpUrl("https://api.stripe.com"),
        description="Where Stripe's API is reached (tests point it at a local fake); "
        "https outside development",
    )
    prometheus_multiproc_dir: Path | None = Field(
        None,
        description="Directory where worker processes share their metrics; "
        "needed when WEB_CONCURRENCY > 1",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer token the Prometheus scraper sends to GET /metrics; required in "
        "staging and production (unset: /metrics is open, for development)",
    )

    @property
    def serves_openapi(self) -> bool:
        """Whether the API description and its docs pages are served."""
        if self.openapi_enabled is not None:
            return self.openapi_enabled
        # Production does not publish a map of the API unless asked to.
        return self.app_env != "production"

    @field_validator("cors_origins", "secret_key_fallbacks", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator(
        "auth_rate_limit", "auth_address_failures", "auth_account_failures", "mail_rate_limit"
    )
    @classmethod
    def _a_rate_limit(cls, value: str) -> str:
        try:
            parse(value)
        except ValueError:
            raise ValueError("must look like 10/minute, 5/second or 100/hour") from None
        return value

    @field_validator("session_idle_minutes")
    @classmethod
    def _idle_within_lifetime(cls, minutes: int, info: ValidationInfo) -> int:
        lifetime_hours = info.data.get("session_lifetime_hours")
        if lifetime_hours is not None and minutes > lifetime_hours * 60:
            raise ValueError(
                "must not be longer than SESSION_LIFETIME_HOURS: a session cannot "
                "stay unused for longer than it lasts"
            )
        return minutes

    @field_validator("smtp_url")
    @classmethod
    def _an_smtp_url(cls, value: SecretStr) -> SecretStr:
        url = urlsplit(value.get_secret_value())
        url.port  # noqa: B018  (raises ValueError on a malformed port)
        if url.scheme not in SMTP_SCHEMES or not url.hostname:
            raise ValueError("must look like smtp://host:587 or smtps://host:465")
        return value

    @field_validator("email_from")
    @classmethod
    def _a_sender(cls, value: str) -> str:
        name, address = parseaddr(value)
        if "@" not in address or any(c in value for c in "\r\n"):
            raise ValueError("must be an address, e.g. Acme <no-reply@acme.example>")
        return formataddr((name, address)) if name else address

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_origins(cls, origins: list[str]) -> list[str]:
        # A browser sends `scheme://host[:port]`; anything else never matches, and
        # `null` (sandboxed iframes, local files) must never be trusted.
        for origin in origins:
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin such as https://app.example.org")
        return origins


def enforce(settings: Settings, *, warn: bool = True) -> None:
    """Refuse to run staging or production on unsafe settings; warn elsewhere (unless
    `warn` is false: a process whose children check and warn themselves).

    Raises ConfigError listing every problem at once, naming variables, never values.
    """
    problems = deployment_problems(settings)
    if not problems:
        return
    if settings.app_env in {"staging", "production"}:
        raise ConfigError(problems)
    if not warn:
        return
    for problem in problems:
        logger.warning("configuration: %s (refused in staging and production)", problem)


def read_settings() -> Settings:
    """Read the settings from the environment; ConfigError lists every invalid variable."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error)) from None


@dataclass(frozen=True)
class ConfigReport:
    """Everything `check-config` finds, in one run."""

    app_env: str
    invalid: list[str]
    """Variables that cannot be read (missing or malformed): the app cannot start."""
    unsafe: list[str]
    """What staging and production refuse (`deployment_problems`)."""


# Valid values for the required variables, so that the deployment checks can still run
# (and report everything else) when one of them is missing or malformed.
_STAND_INS: dict[str, Any] = {
    "database_url": "postgresql://check-config.invalid/stand-in",
    "secret_key": secrets.token_urlsafe(48),
}


def config_report() -> ConfigReport:
    """Every problem of the configuration at once: unreadable variables and unsafe ones."""
    try:
        settings = Settings()
    except ValidationError as error:
        invalid = describe_validation_error(error)
        unreadable = {str(detail["loc"][0]) for detail in error.errors() if detail["loc"]}
    else:
        return ConfigReport(settings.app_env, [], deployment_problems(settings))
    stand_ins = {name: value for name, value in _STAND_INS.items() if name in unreadable}
    if unreadable - stand_ins.keys():
        return ConfigReport(os.environ.get("APP_ENV", "development"), invalid, [])
    settings = Settings(**stand_ins)  # validated like values from the environment
    replaced = {name.upper() for name in stand_ins}
    unsafe = [
        problem
        for problem in deployment_problems(settings)
        if problem.split(" ", 1)[0].rstrip(":") not in replaced
    ]
    return ConfigReport(settings.app_env, invalid, unsafe)


def load_settings() -> Settings:
    """Read the settings and check them for the environment (see `enforce`)."""
    settings = read_settings()
    enforce(settings)
    return settings


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once (`create_app` and the commands check them)."""
    return read_settings()
