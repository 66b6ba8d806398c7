"""Finding an installed interpreter for each Python version the template offers.

uv must not download interpreters here (no network beyond package registries),
so each `uv` call in the tests and tools is pointed at an installed one.
"""

import functools
import glob
import os
import shutil
import subprocess
from pathlib import Path

import yaml

PRINT_VERSION_AND_BASE = "import sys; print('%d.%d' % sys.version_info[:2], sys._base_executable)"


def _resolved(executable: str, version: str) -> str | None:
    """The interpreter's real path when `executable` runs CPython `version`, else None.

    Shims (pyenv's) and virtual environments are resolved to the base interpreter:
    uv keys a project's environment to its interpreter's path, and a shim path
    made it rebuild the environment on every `uv run`.
    """
    try:
        result = subprocess.run(
            [executable, "-c", PRINT_VERSION_AND_BASE],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    found_version, _, real_path = result.stdout.strip().partition(" ")
    if result.returncode != 0 or found_version != version or not real_path:
        return None
    return real_path


@functools.cache
def find_python(version: str) -> str:
    """Path of an installed CPython `version` (e.g. "3.12"); raises if there is none."""
    candidates: list[str] = []
    if on_path := shutil.which(f"python{version}"):
        candidates.append(on_path)
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    candidates += sorted(glob.glob(f"/usr/bin/python{version}"))
    for candidate in candidates:
        if real_path := _resolved(candidate, version):
            return real_path
    raise LookupError(f"no Python {version} interpreter found (looked at: {candidates or 'none'})")


def offered_pythons() -> list[str]:
    """The Python versions the template offers (copier.yml's `python_version` choices)."""
    questions = yaml.safe_load((Path(__file__).resolve().parents[1] / "copier.yml").read_text())
    return [str(choice) for choice in questions["python_version"]["choices"]]


def installed(version: str) -> bool:
    try:
        find_python(version)
    except LookupError:
        return False
    return True


def newest_installed(versions: list[str]) -> str:
    """The newest of `versions` that has an interpreter here; raises if none has."""
    for version in sorted(versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True):
        if installed(version):
            return version
    raise LookupError(f"none of Python {', '.join(versions)} is installed here")


def uv_env(version: str) -> dict[str, str]:
    """Environment for `uv` commands that must use an installed Python `version`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PYTHON"))}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_PYTHON"] = find_python(version)
    return env
