"""scaffold: generate web apps that are production-ready on day one.

The public API is what this module exports (and `scaffold.errors`); the subpackages are
internal: `commands` (one module per command), `template` (where a template comes from,
its questions, versions, rendering and render cache), `merge` (what only `update` uses:
the scratch repository, the 3-way merge, applying it). `git.py` is the one git adapter,
`template/render.py` the one copier adapter, `cli.py` the only typer module. Nothing in
the package imports this root module (import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scaffold._version import __version__
from scaffold.errors import GitError, ScaffoldError, TemplateError, UsageError

if TYPE_CHECKING:
    from scaffold.commands.check import CheckResult, check_project
    from scaffold.commands.diff import DiffResult, diff_project
    from scaffold.commands.new import NewProjectResult, new_project
    from scaffold.commands.update import UpdateResult, update_project


__all__ = [
    "CheckResult",
    "DiffResult",
    "GitError",
    "NewProjectResult",
    "ScaffoldError",
    "TemplateError",
    "UpdateResult",
    "UsageError",
    "__version__",
    "check_project",
    "diff_project",
    "new_project",
    "update_project",
]

# The library is loaded on first use, so `scaffold --help` and `--version` skip it.
_LAZY = {
    "NewProjectResult": "commands.new",
    "new_project": "commands.new",
    "UpdateResult": "commands.update",
    "update_project": "commands.update",
    "CheckResult": "commands.check",
    "check_project": "commands.check",
    "DiffResult": "commands.diff",
    "diff_project": "commands.diff",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'scaffold' has no attribute {name!r}")
    from importlib import import_module  # noqa: PLC0415

    return getattr(import_module(f"scaffold.{module}"), name)
