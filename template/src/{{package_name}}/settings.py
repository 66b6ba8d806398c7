"""The one place configuration is read: typed, validated, and failing fast.

Every value comes from the environment (or a local `.env` in development);
nothing else in the app reads `os.environ`.
"""

from functools import lru_cache
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

AppEnv = Literal["development", "test", "staging", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+asyncpg"}


def _to_asyncpg_url(value: str) -> str:
    """Accept any PostgreSQL URL and return it for the asyncpg driver.

    Anything else (SQLite above all) is refused: the app runs on PostgreSQL
    in every environment, so what passes locally passes in production.
    """
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError("is not a valid database URL") from None
    if url.drivername not in _POSTGRES_SCHEMES:
        raise ValueError(f"must be a PostgreSQL URL, not '{url.drivername}'")
    if not url.database:
        raise ValueError("must name a database")
    return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


PostgresUrl = Annotated[str, AfterValidator(_to_asyncpg_url)]


class Settings(BaseSettings):
    """Configuration from environment variables (names are the upper-case field names)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    app_env: AppEnv = "development"
    debug: bool = False
    secret_key: SecretStr = Field(min_length=32)
    database_url: PostgresUrl
    log_level: LogLevel = "INFO"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
