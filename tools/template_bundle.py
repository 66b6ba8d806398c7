"""Build the git bundle of the built-in template that a wheel carries (see hatch_build.py).

A project records the template version it was made from (`_commit`, e.g. `v0.1.0`);
`scaffold update` re-renders that version to find the user's changes. An installed
scaffold therefore needs every released version of the template, not only its own:
the bundle holds one commit per release (`copier.yml`, `template/` and `CHANGELOG.md` as
they were then), chained in version order, plus the version being built when it is not
released yet. A release is a version tag, or an entry of `RELEASES.toml` (version =
commit), which travels with the repository where tags may not. Commit ids differ from
the source repository's; tag names are what projects record, and they match.

    python tools/template_bundle.py OUT.bundle VERSION
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.version import InvalidVersion, Version

TEMPLATE_PATHS = ("copier.yml", "template", "CHANGELOG.md")
RELEASES_FILE = "RELEASES.toml"
_ENV = {
    "GIT_AUTHOR_NAME": "scaffold",
    "GIT_AUTHOR_EMAIL": "scaffold@localhost",
    "GIT_COMMITTER_NAME": "scaffold",
    "GIT_COMMITTER_EMAIL": "scaffold@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
}


def _git(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str = "") -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(
        ["git", "-c", "commit.gpgSign=false", "-c", "tag.gpgSign=false", *args],
        cwd=cwd,
        env={**clean, **_ENV, **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def releases(repo: Path) -> list[tuple[str, str]]:
    """The template's releases as (tag name, commit-ish), oldest first: the repository's
    PEP 440 tags, and the versions `RELEASES.toml` records (a tag wins over an entry)."""
    found: dict[Version, tuple[str, str]] = {}
    recorded = repo / RELEASES_FILE
    if recorded.is_file():
        for name, commit in tomllib.loads(recorded.read_text())["releases"].items():
            found[Version(name)] = (f"v{name}", str(commit))
    for tag in _git("tag", "--list", cwd=repo).split():
        try:
            found[Version(tag)] = (tag, tag)
        except InvalidVersion:
            continue
    return [found[version] for version in sorted(found)]


def _tree_at(repo: Path, scratch: Path, ref: str) -> str:
    """A tree of just the template's paths at `ref` of `repo`."""
    listing = _git("ls-tree", ref, "--", *TEMPLATE_PATHS, cwd=repo)
    return _git("--git-dir", str(scratch), "mktree", cwd=repo, stdin=listing).strip()


def _tree_of_worktree(repo: Path, scratch: Path) -> str:
    """A tree of the template's paths as they are on disk (the version being built)."""
    present = [name for name in TEMPLATE_PATHS if (repo / name).exists()]
    index = {"GIT_INDEX_FILE": str(scratch / "bundle-index")}
    base = ("--git-dir", str(scratch), "--work-tree", str(repo))
    _git(*base, "add", "--", *present, cwd=repo, env=index)  # what a commit would hold
    _git(
        *base,
        "rm",
        "-r",
        "--cached",
        "--quiet",
        "--ignore-unmatch",
        "--",
        "*__pycache__*",
        cwd=repo,
        env=index,
    )
    return _git("--git-dir", str(scratch), "write-tree", cwd=repo, env=index).strip()


def build_template_bundle(repo: Path, out: Path, version: str) -> list[str]:
    """Write the bundle to `out`; return the tags it holds (oldest first)."""
    current = f"v{version}"
    with tempfile.TemporaryDirectory(prefix="template-bundle-") as tmp:
        scratch = Path(tmp) / "bundle.git"
        _git("init", "--quiet", "--bare", "--initial-branch", "main", str(scratch), cwd=repo)
        objects = _git("rev-parse", "--path-format=absolute", "--git-path", "objects", cwd=repo)
        (scratch / "objects" / "info" / "alternates").write_text(objects)
        released = [(tag, ref) for tag, ref in releases(repo) if Version(tag) <= Version(version)]
        trees = [(tag, _tree_at(repo, scratch, ref)) for tag, ref in released]
        if current not in {tag for tag, _ in released}:
            trees.append((current, _tree_of_worktree(repo, scratch)))
        parent: list[str] = []
        for tag, tree in trees:
            commit = _git(
                "--git-dir",
                str(scratch),
                "commit-tree",
                tree,
                *parent,
                "-m",
                f"template {tag}",
                cwd=repo,
            ).strip()
            _git("--git-dir", str(scratch), "tag", tag, commit, cwd=repo)
            parent = ["-p", commit]
        _git("--git-dir", str(scratch), "update-ref", "refs/heads/main", parent[1], cwd=repo)
        out.parent.mkdir(parents=True, exist_ok=True)
        _git("--git-dir", str(scratch), "bundle", "create", "--quiet", str(out), "--all", cwd=repo)
    return [tag for tag, _ in trees]


if __name__ == "__main__":
    print(build_template_bundle(Path.cwd(), Path(sys.argv[1]), sys.argv[2]))
