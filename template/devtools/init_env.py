"""Create .env from .env.example, with a fresh random value for every `change-me` secret.

    python devtools/init_env.py

Refuses to overwrite an existing .env. (`scaffold new` does the same when it
generates the project; this is for clones and plain `copier copy` users.)
"""

import secrets
import sys
from pathlib import Path

GENERATE_MARKER = "change-me"


def render_env(example: str) -> str:
    """The example's text, with each `KEY=change-me` given its own random secret."""
    lines = []
    for line in example.splitlines(keepends=True):
        key, sep, value = line.rstrip("\n").partition("=")
        if sep and not key.lstrip().startswith("#") and value.strip() == GENERATE_MARKER:
            line = f"{key}={secrets.token_urlsafe(48)}\n"
        lines.append(line)
    return "".join(lines)


def main(project_root: Path) -> int:
    env_file = project_root / ".env"
    if env_file.exists():
        print(".env exists; leaving it alone", file=sys.stderr)
        return 0
    env_file.touch(mode=0o600)
    env_file.write_text(render_env((project_root / ".env.example").read_text()))
    print("wrote .env with fresh secrets", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(__file__).resolve().parents[1]))
