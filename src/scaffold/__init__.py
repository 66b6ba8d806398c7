"""scaffold: generate web apps that are production-ready on day one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scaffold.errors import GitError, ScaffoldError, TemplateError, UsageError

if TYPE_CHECKING:
    from scaffold._new import NewProjectResult, new_project

__version__ = "0.1.0"

__all__ = [
    "GitError",
    "NewProjectResult",
    "ScaffoldError",
    "TemplateError",
    "UsageError",
    "__version__",
    "new_project",
]


def __getattr__(name: str) -> Any:
    # The library is loaded on first use, so `scaffold --help` and `--version` skip it.
    if name in {"NewProjectResult", "new_project"}:
        from scaffold import _new  # noqa: PLC0415

        return getattr(_new, name)
    raise AttributeError(f"module 'scaffold' has no attribute {name!r}")
