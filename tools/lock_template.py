"""Regenerate the template's uv.lock files, one per combination of the answers that
change the dependencies (payments: stripe adds a package; frontend: react adds Node.js
and Playwright).

    uv run python -m tools.lock_template [--upgrade]

The versions already locked are kept where the new requirements allow them (uv lock
on the current lock); --upgrade resolves every package afresh. Each lock is resolved
for a project rendered with placeholder names, then the names are turned back into
template variables, so every generated project gets a lock that `uv sync --locked`
accepts. Run it after changing the template's dependencies; the end-to-end tests fail
on a stale lock.
"""

import itertools
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import copier
import yaml

from tools.pythons import newest_installed, offered_pythons, uv_env
from tools.snapshot import snapshot_template

REPO_ROOT = Path(__file__).resolve().parents[1]
SENTINEL = {"project_name": "Lockfile Sentinel"}
SENTINEL_SLUG, SENTINEL_PACKAGE = "lockfile-sentinel", "lockfile_sentinel"
# The questions whose answers change pyproject.toml's dependencies. Any other answer
# leaves the lock as it is: python_version only pins the interpreter, and every
# offered one is inside the generated `requires-python`, so one universal lock serves
# them all (it holds each package's wheels for every offered Python).
LOCK_QUESTIONS = ("payments", "frontend")


def lock_file_name(answers: Mapping[str, str]) -> str:
    """The template file that renders to uv.lock for these answers, and to nothing otherwise."""
    condition = " and ".join(f"{name} == '{answers[name]}'" for name in LOCK_QUESTIONS)
    return f"{{% if {condition} %}}uv.lock{{% endif %}}.jinja"


def lock_variants() -> list[dict[str, str]]:
    """Every combination of the LOCK_QUESTIONS' choices: one lock each."""
    questions = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
    choices = [[str(choice) for choice in questions[name]["choices"]] for name in LOCK_QUESTIONS]
    return [
        dict(zip(LOCK_QUESTIONS, values, strict=True)) for values in itertools.product(*choices)
    ]


def lock(answers: Mapping[str, str], workdir: Path, *, upgrade: bool) -> str:
    template = snapshot_template(REPO_ROOT, workdir / "template", "0.0.0")
    project = workdir / "project"
    copier.run_copy(str(template), project, data={**SENTINEL, **answers}, defaults=True, quiet=True)
    if upgrade:
        (project / "uv.lock").unlink(missing_ok=True)
    # The resolution is the same whichever offered interpreter runs it (uv resolves
    # for the whole `requires-python` range): any one installed here will do.
    env = uv_env(newest_installed(offered_pythons()))
    subprocess.run(["uv", "lock", "--quiet"], cwd=project, env=env, check=True)
    text = (project / "uv.lock").read_text()
    if "{{" in text or "{%" in text:
        raise SystemExit("uv.lock contains Jinja syntax; it cannot be templated as is")
    return text.replace(SENTINEL_SLUG, "{{ project_slug }}").replace(
        SENTINEL_PACKAGE, "{{ package_name }}"
    )


def main(arguments: list[str]) -> int:
    if set(arguments) - {"--upgrade"}:
        raise SystemExit("usage: python -m tools.lock_template [--upgrade]")
    upgrade = "--upgrade" in arguments
    wanted = set()
    for answers in lock_variants():
        with tempfile.TemporaryDirectory() as tmp:
            locked = lock(answers, Path(tmp), upgrade=upgrade)
        target = REPO_ROOT / "template" / lock_file_name(answers)
        target.write_text(locked)
        wanted.add(target)
        print(f"{target.relative_to(REPO_ROOT)}: {locked.count('[[package]]')} packages")
    # Locks of combinations that no longer exist (a question added or dropped).
    for stale in set((REPO_ROOT / "template").glob("*uv.lock*.jinja")) - wanted:
        stale.unlink()
        print(f"{stale.relative_to(REPO_ROOT)}: removed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
