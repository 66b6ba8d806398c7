"""A real PostgreSQL for development and tests, started from the `pgserver` wheel.

Used only when no DATABASE_URL (or TEST_DATABASE_URL) is configured, so that
`make dev` and `make test` work on a fresh laptop without installing a
database server, and still run on PostgreSQL, never on SQLite.
"""

import logging
import warnings
from pathlib import Path

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Gitignored (.data/): the cluster survives restarts of `make dev`.
DEFAULT_DATA_DIR = PROJECT_ROOT / ".data" / "postgres"


def start(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """Start (or reuse) the embedded server; return a URL of its `postgres` database.

    The server stops when the last process holding it exits.
    """
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # pgserver logs every pg_ctl call at INFO, even from its exit handler.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # pgserver keeps its lock files in the user's runtime dir; on machines
        # without XDG_RUNTIME_DIR platformdirs warns and uses /tmp, which is fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from pgserver.postgres_server import get_server

    server = get_server(data_dir, cleanup_mode="stop")
    # pgserver gives a unix-socket URI ("postgresql://postgres:@/postgres?host=...").
    return make_url(server.get_uri()).render_as_string(hide_password=False)
