"""How long the CLI takes: `--help`, `new` against plain `copier copy`, and the render alone.

    uv run python bench/cli.py [--runs N]

Renders a clean snapshot of the working tree's template (committed and tagged in a
temporary repository), so it works on a dirty checkout and measures exactly what is on
disk. Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # for tools.snapshot, run as a script

import scaffold  # noqa: E402
from tools.snapshot import snapshot_template  # noqa: E402

BIN = Path(sys.executable).parent


def median_seconds(runs: int, action: Callable[[int], object]) -> float:
    timings = []
    for run in range(runs):
        start = time.perf_counter()
        action(run)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def run_quietly(*args: str) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (default 7)")
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory(prefix="scaffold-bench-") as tmp:
        work = Path(tmp)
        template = str(snapshot_template(REPO_ROOT, work / "template", scaffold.__version__))
        files = sum(1 for path in (work / "template" / "template").rglob("*") if path.is_file())

        help_s = median_seconds(runs, lambda _: run_quietly(str(BIN / "scaffold"), "--help"))
        new_s = median_seconds(
            runs,
            lambda run: run_quietly(
                str(BIN / "scaffold"),
                *("new", str(work / f"new-{run}"), "--defaults", "--no-git"),
                *("--template", template),
            ),
        )
        copier_s = median_seconds(
            runs,
            lambda run: run_quietly(
                str(BIN / "copier"),
                *("copy", "--defaults", "--quiet", template, str(work / f"copier-{run}")),
            ),
        )
        scaffold.new_project(work / "warm-up", defaults=True, template=template, git=False)
        render_s = median_seconds(
            runs,
            lambda run: scaffold.new_project(
                work / f"lib-{run}", defaults=True, template=template, git=False
            ),
        )

    print(f"template: {files} files, scaffold {scaffold.__version__}, medians of {runs} runs")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # Then every process compiles all it imports (copier's import alone ~1 s here).
        print("note: PYTHONDONTWRITEBYTECODE is set: each process compiles its imports")
    print(f"scaffold --help                       {help_s:7.3f} s")
    print(f"scaffold new --defaults --no-git      {new_s:7.3f} s")
    print(f"copier copy --defaults (same source)  {copier_s:7.3f} s")
    print(f"  ratio scaffold new / copier copy    {new_s / copier_s:7.2f}")
    print(f"new_project() in-process (warm)       {render_s:7.3f} s")


if __name__ == "__main__":
    main()
