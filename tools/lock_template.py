"""Regenerate the template's uv.lock files, one per Python version the template offers.

    uv run python -m tools.lock_template

Each lock is resolved for a project rendered with placeholder names, then the
names are turned back into template variables, so every generated project gets
a lock that `uv sync --locked` accepts. Run it after changing the template's
dependencies; the end-to-end tests fail on a stale lock.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import copier
import yaml

from tools.pythons import uv_env
from tools.snapshot import snapshot_template

REPO_ROOT = Path(__file__).resolve().parents[1]
SENTINEL = {"project_name": "Lockfile Sentinel"}
SENTINEL_SLUG, SENTINEL_PACKAGE = "lockfile-sentinel", "lockfile_sentinel"


def lock_file_name(python_version: str) -> str:
    return f"{{% if python_version == '{python_version}' %}}uv.lock{{% endif %}}.jinja"


def python_versions() -> list[str]:
    questions = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
    return [str(choice) for choice in questions["python_version"]["choices"]]


def lock(python_version: str, workdir: Path) -> str:
    template = snapshot_template(REPO_ROOT, workdir / "template", "0.0.0")
    project = workdir / f"project-{python_version}"
    copier.run_copy(
        str(template),
        project,
        data={**SENTINEL, "python_version": python_version},
        defaults=True,
        quiet=True,
    )
    (project / "uv.lock").unlink(missing_ok=True)
    subprocess.run(["uv", "lock", "--quiet"], cwd=project, env=uv_env(python_version), check=True)
    text = (project / "uv.lock").read_text()
    if "{{" in text or "{%" in text:
        raise SystemExit("uv.lock contains Jinja syntax; it cannot be templated as is")
    return text.replace(SENTINEL_SLUG, "{{ project_slug }}").replace(
        SENTINEL_PACKAGE, "{{ package_name }}"
    )


def main() -> int:
    for python_version in python_versions():
        with tempfile.TemporaryDirectory() as tmp:
            locked = lock(python_version, Path(tmp))
        target = REPO_ROOT / "template" / lock_file_name(python_version)
        target.write_text(locked)
        print(f"{target.relative_to(REPO_ROOT)}: {locked.count('[[package]]')} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
