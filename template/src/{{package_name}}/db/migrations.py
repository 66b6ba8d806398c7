"""Running Alembic from code: the `migrate` command, readiness and tests share this."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# The project root holds alembic.ini and migrations/ (the app is installed
# in editable mode from the project directory, in development and in images).
PROJECT_ROOT = Path(__file__).resolve().parents[3]
# The PostgreSQL advisory lock every migration run holds (migrations/env.py), so
# that several instances running `migrate` at once upgrade one after the other.
MIGRATION_LOCK_ID = 0x5CAFF01D


def alembic_config(database_url: str | None = None) -> Config:
    """Alembic's configuration; `database_url` overrides the one from settings."""
    config = Config(PROJECT_ROOT / "alembic.ini")
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if database_url is not None:
        config.attributes["database_url"] = database_url
    return config


def expected_head() -> str:
    """The revision the code expects the database to be at."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("migrations/ holds no revision")
    return head


def known_revisions() -> frozenset[str]:
    """Every revision this code ships."""
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(revision.revision for revision in script.walk_revisions())


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Upgrade the database (under an advisory lock, see migrations/env.py)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    """Downgrade the database to `revision`."""
    command.downgrade(alembic_config(database_url), revision)


async def current_revision(connection: AsyncConnection) -> str | None:
    """The database's revision; None when it was never migrated (or is at base)."""
    migrated = await connection.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
    if not migrated:
        return None
    revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    return None if revision is None else str(revision)
