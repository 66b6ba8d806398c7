"""Renders kept as git trees in the user cache, so an update renders one version, not two.

An update needs the recorded version rendered with the recorded answers. That render
is exactly what `new` (or the previous update) produced on this machine, so both store
it here: `$XDG_CACHE_HOME/scaffold/renders.git`, a bare repository holding one ref per
render, named by a hash of everything the render depends on (the template commit, the
answers, the answers file path, the source recorded, copier's and scaffold's versions).
Only renders of a commit of a local repository are kept. The cache is an optimisation:
any failure reading or writing it is ignored, and deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from scaffold._version import __version__
from scaffold.errors import GitError
from scaffold.git import MACHINE_IDENTITY, git_bytes, run_git
from scaffold.template.builtin import cache_dir

_REF_PREFIX = "refs/renders/"


def render_key(  # noqa: PLR0913 (everything a render depends on)
    repo: Path | None,
    ref: str | None,
    *,
    answers: Mapping[str, Any],
    answers_file: str,
    src: str,
    recorded: str,
) -> str | None:
    """The cache key of a render, or None when the render cannot be cached.

    `src` is what copier was given, `recorded` the `_src_path` the answers file keeps.
    """
    if repo is None or ref is None:
        return None
    try:
        commit = run_git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=repo)
    except GitError:
        return None
    from importlib.metadata import version  # noqa: PLC0415 (only on this path)

    payload = {
        "commit": commit.strip(),
        "answers": dict(answers),
        "answers_file": answers_file,
        "src": src,
        "recorded": recorded,
        "copier": version("copier"),
        "scaffold": __version__,
    }
    text = json.dumps(payload, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def cache_repository() -> Path:
    return cache_dir() / "renders.git"


def cache_objects() -> Path | None:
    """The cache's object store, for a scratch repository to read; None before first use."""
    objects = cache_repository() / "objects"
    return objects if objects.is_dir() else None


def lookup(key: str | None) -> str | None:
    """The tree stored under `key`, or None."""
    repo = cache_repository()
    if key is None or not (repo / "HEAD").is_file():
        return None
    try:
        _, out = git_bytes(
            "--git-dir",
            str(repo),
            "rev-parse",
            "--verify",
            "--quiet",
            f"{_REF_PREFIX}{key}^{{tree}}",
        )
    except GitError:
        return None
    return out.decode().strip() or None


def store(key: str | None, directory: Path) -> None:
    """Keep the files of `directory` under `key` (best effort)."""
    if key is None:
        return
    repo = cache_repository()
    index = repo / f"index-{os.getpid()}"
    base = ("-c", "core.autocrlf=false", "-c", "gc.auto=0", "--git-dir", str(repo))
    try:
        if not (repo / "HEAD").is_file():
            repo.parent.mkdir(parents=True, exist_ok=True)
            git_bytes("init", "--quiet", "--bare", str(repo))
        env = {"GIT_INDEX_FILE": str(index)}
        git_bytes(*base, "--work-tree", str(directory), "add", "--all", "--force", ".", env=env)
        tree = git_bytes(*base, "write-tree", env=env)[1].decode().strip()
        commit = (
            git_bytes(
                *base, "commit-tree", "--no-gpg-sign", tree, "-m", "render", env=MACHINE_IDENTITY
            )[1]
            .decode()
            .strip()
        )
        git_bytes(*base, "update-ref", f"{_REF_PREFIX}{key}", commit)
    except (GitError, OSError):
        return
    finally:
        with suppress(OSError):
            index.unlink(missing_ok=True)
