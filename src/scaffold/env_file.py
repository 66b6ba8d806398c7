"""The generated project's `.env`: `.env.example` with its placeholders replaced by secrets.

Convention (the template follows it): a line `KEY=change-me` in `.env.example` is a
secret (spaces around the value are allowed; comment lines are not secrets); `.env`
gets `KEY=<fresh random value>`, each key its own. Every other line is copied verbatim.
Secrets never pass through copier, so they can never end up in `.copier-answers.yml`;
`.env` is git-ignored by the template.
"""

from __future__ import annotations

import os
from pathlib import Path

from scaffold.errors import ScaffoldError

PLACEHOLDER = "change-me"


def fill_secrets(example: str) -> str:
    """`example` with the value of every `KEY=change-me` line replaced by a new secret.

    The same rule as the template's own `devtools/init_env.py` (for clones and plain
    copier users), so both agree on which lines are secrets.
    """
    import secrets  # noqa: PLC0415 (lazy: it loads OpenSSL, which `scaffold --help` never needs)

    lines = example.splitlines(keepends=True)
    for index, line in enumerate(lines):
        body = line.rstrip("\r\n")
        key, sep, value = body.partition("=")
        if (
            sep
            and key.strip()
            and not key.lstrip().startswith("#")
            and value.strip() == PLACEHOLDER
        ):
            lines[index] = f"{key}={secrets.token_urlsafe(48)}{line[len(body) :]}"
    return "".join(lines)


def write_env_file(project: Path) -> Path | None:
    """Write `project/.env` (mode 0600) from `project/.env.example`; None when there is none."""
    example = project / ".env.example"
    if not example.is_file():
        return None
    target = project / ".env"
    try:
        content = fill_secrets(example.read_text(encoding="utf-8"))
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        # The mode given to open() applies only to a new file; a .env rendered by the
        # template must not stay world-readable once it holds secrets.
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            stream.write(content)
    except (OSError, UnicodeError) as error:
        raise ScaffoldError(f"cannot write {target}: {error}") from error
    return target
