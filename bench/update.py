"""How long an update takes: `scaffold update` against plain `copier update`, same project.

    uv run python bench/update.py [--runs N]

A clean snapshot of the working tree's template is tagged v0.1.0, then changed a little
(a README section, a .gitignore entry, a line of a module) and tagged v0.2.0. A default
project is generated at v0.1.0 and committed; each run updates a fresh copy of it to
v0.2.0, once with each tool. `scaffold update` is measured twice: on the machine that
ran `scaffold new` (its render cache holds the v0.1.0 render: one render), and with an
empty cache, as on a CI runner or a colleague's laptop (two renders, in parallel).
Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # for tools.snapshot, run as a script

from tools.snapshot import snapshot_template  # noqa: E402

BIN = Path(sys.executable).parent
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]


def run(
    env: dict[str, str], *args: str, cwd: Path | None = None, ok: tuple[int, ...] = (0,)
) -> None:
    done = subprocess.run(
        args, check=False, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr.decode()}")


def two_versions(work: Path) -> Path:
    repo = snapshot_template(REPO_ROOT, work / "template", "0.1.0")
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\n## Updating\n\nRun `scaffold update`.\n")
    gitignore = repo / "template" / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "\n.idea/\n")
    health = next((repo / "template" / "src").glob("*/observability/health.py"))
    health.write_text(health.read_text() + "\n# Checked by the load balancer.\n")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    run(env, *GIT, "add", "--all", cwd=repo)
    run(env, *GIT, "-c", "commit.gpgsign=false", "commit", "-qm", "0.2.0", cwd=repo)
    run(env, *GIT, "-c", "tag.gpgsign=false", "tag", "v0.2.0", cwd=repo)
    return repo


def median_seconds(
    runs: int, prepare: Callable[[int], Path], action: Callable[[Path], None]
) -> float:
    timings = []
    for index in range(runs):
        target = prepare(index)
        start = time.perf_counter()
        action(target)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    runs = parser.parse_args().runs
    # A normal install writes .pyc files on first run; this sandbox may forbid it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    scaffold_bin, copier_bin = str(BIN / "scaffold"), str(BIN / "copier")

    with tempfile.TemporaryDirectory(prefix="scaffold-bench-update-") as tmp:
        work = Path(tmp)
        env["XDG_CACHE_HOME"] = str(work / "cache")  # scaffold new fills it
        template = two_versions(work)
        pristine = work / "pristine"
        run(
            env,
            scaffold_bin,
            "new",
            str(pristine),
            "--defaults",
            "--template",
            str(template),
            "--vcs-ref",
            "v0.1.0",
        )
        files = int(
            subprocess.run(
                ["git", "ls-files"], cwd=pristine, capture_output=True, text=True, check=True
            ).stdout.count("\n")
        )

        def copy(label: str) -> Callable[[int], Path]:
            def prepare(index: int) -> Path:
                target = work / f"{label}-{index}"
                shutil.copytree(pristine, target, symlinks=True)
                return target

            return prepare

        # One unmeasured run of each, so imports are compiled and caches warm.
        run(env, scaffold_bin, "update", "--defaults", str(copy("warm-s")(0)))
        run(
            env,
            copier_bin,
            "update",
            "--defaults",
            "--quiet",
            "--vcs-ref",
            "v0.2.0",
            cwd=copy("warm-c")(0),
        )
        scaffold_s = median_seconds(
            runs, copy("s"), lambda p: run(env, scaffold_bin, "update", "--defaults", str(p))
        )

        def empty_cache(project: Path) -> None:
            cold = {**env, "XDG_CACHE_HOME": str(project.with_name(f"{project.name}-cache"))}
            run(cold, scaffold_bin, "update", "--defaults", str(project))

        cold_s = median_seconds(runs, copy("cold"), empty_cache)
        pretend_s = median_seconds(
            runs,
            copy("p"),
            lambda p: run(env, scaffold_bin, "update", "--defaults", "--pretend", str(p)),
        )
        copier_s = median_seconds(
            runs,
            copy("c"),
            lambda p: run(
                env, copier_bin, "update", "--defaults", "--quiet", "--vcs-ref", "v0.2.0", cwd=p
            ),
        )
        check_s = median_seconds(
            runs, lambda _: pristine, lambda p: run(env, scaffold_bin, "check", str(p), ok=(1,))
        )
    print(f"project: {files} files, v0.1.0 -> v0.2.0 (3 small changes), medians of {runs} runs")
    print(f"  scaffold update --defaults            {scaffold_s:7.3f} s")
    print(f"  scaffold update, empty render cache   {cold_s:7.3f} s")
    print(f"  scaffold update --defaults --pretend  {pretend_s:7.3f} s")
    print(f"  copier update --defaults              {copier_s:7.3f} s")
    print(f"  ratio scaffold / copier               {scaffold_s / copier_s:7.2f}")
    print(f"  ratio, empty render cache             {cold_s / copier_s:7.2f}")
    print(f"  scaffold check (behind)               {check_s:7.3f} s")


if __name__ == "__main__":
    main()
