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


def run_quietly(env: dict[str, str], *args: str) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def bytecode_envs() -> dict[str, dict[str, str]]:
    """The two ways a CLI process can start: with compiled imports cached, or not.

    A normal install writes .pyc files on first run ("warm"); with
    PYTHONDONTWRITEBYTECODE set (as on this sandbox) every process compiles
    everything it imports ("no cache").
    """
    warm = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {"warm .pyc cache": warm, "no .pyc cache": {**warm, "PYTHONDONTWRITEBYTECODE": "1"}}


def measure_processes(runs: int, work: Path, template: str, env: dict[str, str]) -> list[str]:
    scaffold_bin, copier_bin = str(BIN / "scaffold"), str(BIN / "copier")
    # One unmeasured run of each, so a warm cache is really warm.
    run_quietly(env, scaffold_bin, "--help")
    run_quietly(
        env,
        scaffold_bin,
        "new",
        str(work / "warm-new"),
        "--defaults",
        "--no-git",
        "--template",
        template,
    )
    run_quietly(env, copier_bin, "copy", "--defaults", "--quiet", template, str(work / "warm-cp"))
    help_s = median_seconds(runs, lambda _: run_quietly(env, scaffold_bin, "--help"))
    new_s = median_seconds(
        runs,
        lambda run: run_quietly(
            env,
            scaffold_bin,
            "new",
            str(work / f"new-{run}"),
            "--defaults",
            "--no-git",
            "--template",
            template,
        ),
    )
    copier_s = median_seconds(
        runs,
        lambda run: run_quietly(
            env, copier_bin, "copy", "--defaults", "--quiet", template, str(work / f"cp-{run}")
        ),
    )
    return [
        f"  scaffold --help                       {help_s:7.3f} s",
        f"  scaffold new --defaults --no-git      {new_s:7.3f} s",
        f"  copier copy --defaults (same source)  {copier_s:7.3f} s",
        f"  ratio scaffold new / copier copy      {new_s / copier_s:7.2f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (default 7)")
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory(prefix="scaffold-bench-") as tmp:
        work = Path(tmp)
        template = str(snapshot_template(REPO_ROOT, work / "template", scaffold.__version__))
        files = sum(1 for path in (work / "template" / "template").rglob("*") if path.is_file())
        print(f"template: {files} files, scaffold {scaffold.__version__}, medians of {runs} runs")
        for label, env in bytecode_envs().items():
            print(f"{label}:")
            print("\n".join(measure_processes(runs, work / label.replace(" ", "-"), template, env)))
        scaffold.new_project(work / "warm-up", defaults=True, template=template, git=False)
        render_s = median_seconds(
            runs,
            lambda run: scaffold.new_project(
                work / f"lib-{run}", defaults=True, template=template, git=False
            ),
        )
    print(f"new_project() in-process, render only   {render_s:7.3f} s")


if __name__ == "__main__":
    main()
