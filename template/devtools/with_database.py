"""Run a command with DATABASE_URL set, starting the embedded PostgreSQL if needed.

    python -m devtools.with_database -- CMD [ARG]...

When DATABASE_URL is set (in the environment or in .env), CMD runs against it.
Otherwise the embedded server from `devtools.embedded_postgres` is started,
its URL is exported as DATABASE_URL for CMD, and it stops when CMD exits; except
with APP_ENV staging or production, which never run on it (CMD then sees no
DATABASE_URL, and `check-config` says so).
"""

import os
import subprocess
import sys

from dotenv import dotenv_values

from devtools import embedded_postgres


def configured(name: str) -> str | None:
    """A variable from the environment, else from .env (empty counts as unset)."""
    return os.environ.get(name) or dotenv_values(".env").get(name) or None


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    env = dict(os.environ)
    deployed = configured("APP_ENV") in {"staging", "production"}
    if configured("DATABASE_URL") is None and not deployed:
        env["DATABASE_URL"] = embedded_postgres.start()
        print("using the embedded PostgreSQL (set DATABASE_URL to use another)", file=sys.stderr)
    process = subprocess.Popen(command, env=env)  # noqa: S603  (the developer's own command)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            # Ctrl-C reached the command too (one process group): let it stop on its
            # own, before the embedded server it may still be using stops with us.
            continue


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
