"""The one exception hierarchy of scaffold.

Every failure the library reports is a `ScaffoldError`; foreign errors (copier, git,
YAML, the file system) are translated where the foreign code is called. The CLI
catches the root only and exits with `exit_code`.
"""

from __future__ import annotations


class ScaffoldError(Exception):
    """An operation failed (exit code 1)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        # One line: the CLI prints it as `error: <message>`.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)


class UsageError(ScaffoldError):
    """Bad usage or input: an invalid answer, an unknown option value, an unusable path."""

    exit_code = 2


class TemplateError(ScaffoldError):
    """The template cannot be read or rendered."""


class GitError(ScaffoldError):
    """A git command failed; the message carries git's own error output."""
