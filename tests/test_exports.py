"""The public surface: what `scaffold` exports, and which modules may import what."""

from __future__ import annotations

import ast
from pathlib import Path

import scaffold

PACKAGE = Path(scaffold.__file__).parent


def test_exported_names() -> None:
    assert scaffold.__all__ == [
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
    for name in scaffold.__all__:
        assert getattr(scaffold, name) is not None


def test_exported_members_come_from_the_commands_or_the_errors() -> None:
    for name in set(scaffold.__all__) - {"__version__"}:
        module = getattr(scaffold, name).__module__
        assert module == "scaffold.errors" or module.startswith("scaffold.commands."), name


def test_package_is_typed() -> None:
    assert (PACKAGE / "py.typed").is_file()


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_cli_imports_typer_or_rich() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name != "cli.py":
            assert not {"typer", "rich"} & _imported_modules(path), path
