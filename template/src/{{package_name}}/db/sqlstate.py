"""PostgreSQL's error codes, read from behind SQLAlchemy's errors."""

from sqlalchemy.exc import DBAPIError

# Error codes that mean "this conflicts with existing data".
UNIQUE_VIOLATION, EXCLUSION_VIOLATION = "23505", "23P01"


def sqlstate(error: DBAPIError) -> str | None:
    """PostgreSQL's error code behind a SQLAlchemy error (e.g. UNIQUE_VIOLATION)."""
    original = error.orig
    cause = original.__cause__ if original is not None else None
    return getattr(original, "sqlstate", None) or getattr(cause, "sqlstate", None)
