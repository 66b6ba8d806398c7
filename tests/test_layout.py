"""The package's shape: its layers and "no import of the package root" (import-linter
contracts in pyproject.toml), and one module per foreign tool."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "scaffold"


def test_the_import_contracts_hold() -> None:
    linted = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "3 kept, 0 broken" in linted.stdout


def _modules_running(pattern: str) -> set[str]:
    return {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if re.search(pattern, path.read_text(encoding="utf-8"), re.MULTILINE)
    }


def test_git_runs_in_one_module() -> None:
    assert _modules_running(r"subprocess\.(run|Popen|check_output)\(\s*\[\s*\"git\"") == {"git.py"}
    assert _modules_running(r"GIT_AUTHOR_NAME") == {"git.py"}


def test_copier_renders_in_one_module() -> None:
    assert _modules_running(r"\.run_(copy|update|recopy)\(") == {"template/render.py"}
    # copier's internal Worker, subclassed in one place (see the module)
    assert _modules_running(r"^from copier\._main import") == {"template/copier_worker.py"}
