"""The declarative base and the one `MetaData` every model registers on.

Models import `Base` from here; `db/registry.py` imports every model, so that
Alembic sees them all. Constraint and index names follow one convention, so
that every migration's downgrade can name what it drops.
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
