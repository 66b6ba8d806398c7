"""A clean, committed and tagged copy of this repository's template.

copier renders a dirty local git template from a temporary commit (and warns);
tests, benchmarks and the lock tool render the working tree's template from
such a snapshot instead, so what they check is exactly what is on disk.
"""

import shutil
import subprocess
from pathlib import Path

TEMPLATE_FILES = ("copier.yml", "template")


def snapshot_template(repo_root: Path, destination: Path, version: str) -> Path:
    """Copy the template at `repo_root` into a new git repo at `destination`, tagged v`version`."""
    destination.mkdir(parents=True)
    for name in TEMPLATE_FILES:
        source = repo_root / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination / name)
    git = [
        "git",
        "-C",
        str(destination),
        "-c",
        "user.name=scaffold",
        "-c",
        "user.email=scaffold@localhost",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "tag.gpgsign=false",
    ]
    subprocess.run([*git, "init", "--quiet", "--initial-branch=main"], check=True)
    subprocess.run([*git, "add", "--all"], check=True)
    subprocess.run([*git, "commit", "--quiet", "--message", f"template {version}"], check=True)
    subprocess.run([*git, "tag", f"v{version}"], check=True)
    return destination
