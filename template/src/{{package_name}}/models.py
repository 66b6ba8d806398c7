"""The declarative base and the one `MetaData` every model registers on.

Alembic autogenerates from `metadata`; each domain's models are imported at the
bottom, so that importing this module registers them all. Constraint and index
names follow one convention, so that every migration's downgrade can name what
it drops.
"""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = metadata


# Registered here, after Base exists (they import it).
from . import idempotency  # noqa: E402
from .auth import models as auth_models  # noqa: E402
from .bookings import models as booking_models  # noqa: E402

__all__ = ["Base", "auth_models", "booking_models", "idempotency", "metadata"]
