"""scaffold: generate web apps that are production-ready on day one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scaffold.errors import GitError, ScaffoldError, TemplateError, UsageError

if TYPE_CHECKING:
    from scaffold._check import CheckResult, check_project
    from scaffold._diff import DiffResult, diff_project
    from scaffold._new import NewProjectResult, new_project
    from scaffold._update import UpdateResult, update_project

__version__ = "0.1.0"

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
    "NewProjectResult": "_new",
    "new_project": "_new",
    "UpdateResult": "_update",
    "update_project": "_update",
    "CheckResult": "_check",
    "check_project": "_check",
    "DiffResult": "_diff",
    "diff_project": "_diff",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'scaffold' has no attribute {name!r}")
    from importlib import import_module  # noqa: PLC0415

    return getattr(import_module(f"scaffold.{module}"), name)
