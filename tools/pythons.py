"""Finding an installed interpreter for each Python version the template offers.

uv must not download interpreters here (no network beyond package registries),
so each `uv` call in the tests and tools is pointed at an installed one.
"""

import glob
import os
import shutil
import subprocess
from pathlib import Path


def _is_version(executable: str, version: str) -> bool:
    try:
        result = subprocess.run(
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return False
    return result.returncode == 0 and result.stdout.strip() == version


def find_python(version: str) -> str:
    """Path of an installed CPython `version` (e.g. "3.12"); raises if there is none."""
    candidates: list[str] = []
    if on_path := shutil.which(f"python{version}"):
        candidates.append(on_path)
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    candidates += sorted(glob.glob(f"/usr/bin/python{version}"))
    for candidate in candidates:
        if _is_version(candidate, version):
            return candidate
    raise LookupError(f"no Python {version} interpreter found (looked at: {candidates or 'none'})")


def uv_env(version: str) -> dict[str, str]:
    """Environment for `uv` commands that must use an installed Python `version`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PYTHON"))}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_PYTHON"] = find_python(version)
    return env
