"""scaffold: generate web apps that are production-ready on day one."""

from scaffold._new import NewProjectResult, new_project
from scaffold.errors import GitError, ScaffoldError, TemplateError, UsageError

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
