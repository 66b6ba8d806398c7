"""Programs the tests need that no Python package ships, fetched on first use.

`uv run pytest` must pass on a fresh machine with nothing installed by hand, so a tool
missing from PATH is taken from the machine's package manager into the user cache
(never installed system-wide) and reused from there; when that is impossible the test
fails and says how to get it.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def _cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "scaffold-tests"


def promtool() -> str:
    """Prometheus's rule checker: on PATH, cached, or taken out of Debian's prometheus
    package (apt-get download + dpkg-deb: nothing is installed)."""
    if found := shutil.which("promtool"):
        return found
    cached = _cache() / "promtool"
    if cached.is_file():
        return str(cached)
    how = "install promtool (Debian: apt-get install prometheus) and put it on PATH"
    if not (shutil.which("apt-get") and shutil.which("dpkg-deb")):
        pytest.fail(f"promtool is missing and there is no apt-get here: {how}")
    with tempfile.TemporaryDirectory(prefix="scaffold-promtool-") as tmp:
        work = Path(tmp)
        download = ["apt-get", "download", "--quiet", "prometheus"]
        done = subprocess.run(download, cwd=work, capture_output=True, text=True, check=False)
        if done.returncode != 0 and os.geteuid() == 0:
            # A fresh machine may have no package lists yet.
            subprocess.run(["apt-get", "update", "--quiet"], capture_output=True, check=False)
            done = subprocess.run(download, cwd=work, capture_output=True, text=True, check=False)
        packages = sorted(work.glob("prometheus_*.deb"))
        if done.returncode != 0 or not packages:
            pytest.fail(f"promtool is missing and apt-get download failed ({done.stderr}): {how}")
        subprocess.run(["dpkg-deb", "--extract", str(packages[0]), str(work / "x")], check=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        shutil.copy2(work / "x" / "usr" / "bin" / "promtool", partial)
        partial.replace(cached)  # whole or absent: a killed run leaves no half binary
    return str(cached)
