"""The one git adapter: every git command scaffold runs, with git's failures translated
to `GitError` here, where git is called."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from scaffold.errors import GitError

# Variables that point git at some other repository (set, for example, when scaffold
# runs from a git hook); our commands must act on the directory they are given.
_REPO_LOCATING_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


# The author and committer of the commits scaffold makes for itself (scratch merges, the
# render cache, a packaged template), never in a user's project: fixed, dated 2000-01-01,
# so the same content gives the same commit on every machine.
MACHINE_IDENTITY = {
    "GIT_AUTHOR_NAME": "scaffold",
    "GIT_AUTHOR_EMAIL": "scaffold@localhost",
    "GIT_COMMITTER_NAME": "scaffold",
    "GIT_COMMITTER_EMAIL": "scaffold@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
}


def git_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _REPO_LOCATING_VARS}


def require_git() -> None:
    if shutil.which("git") is None:
        raise GitError("git is not installed or not on PATH (pass --no-git to skip git init)")


def run_git(*args: str, cwd: Path | None = None) -> str:
    """Run git and return its stdout as text; a failure becomes a `GitError` with git's stderr."""
    return git_bytes(*args, cwd=cwd)[1].decode()


def git_bytes(
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> tuple[int, bytes]:
    """Run git on bytes; return (exit code, stdout). Codes outside `ok_codes` raise `GitError`."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env={**git_env(), **(env or {})},
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as error:
        raise GitError("git is not installed or not on PATH") from error
    if done.returncode not in ok_codes:
        said = (done.stderr or done.stdout).decode(errors="replace").strip()
        detail = said or f"exit status {done.returncode}"
        raise GitError(f"git {_subcommand(args)} failed: {detail}")
    return done.returncode, done.stdout


def _exclude_unless_ignored(repo: Path, names: tuple[str, ...]) -> None:
    exposed = []
    for name in names:
        try:
            run_git("check-ignore", "--quiet", "--no-index", "--", name, cwd=repo)
        except GitError:  # exit 1: not ignored
            exposed.append(f"/{name}")
    if exposed:
        exclude = repo / ".git" / "info" / "exclude"
        exclude.parent.mkdir(exist_ok=True)
        with exclude.open("a", encoding="utf-8") as stream:
            stream.write("# Secrets written by scaffold: never commit them.\n")
            stream.write("".join(f"{pattern}\n" for pattern in exposed))


def _subcommand(args: tuple[str, ...]) -> str:
    """`commit` in `git -c k=v commit ...`: what to name in an error."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        del rest[: 2 if rest[0] == "-c" else 1]
    return rest[0] if rest else "command"


def config_value(key: str, cwd: Path | None = None) -> str | None:
    """The value git sees for `key` (repository, global or system), or None when unset."""
    try:
        value = run_git("config", "--get", key, cwd=cwd).strip()
    except GitError:  # `git config --get` exits 1 when the key is unset
        return None
    return value or None


def is_worktree_top(path: Path) -> bool:
    """Whether `path` is the top level of a git work tree (what copier treats as git)."""
    try:
        top = run_git("rev-parse", "--show-toplevel", cwd=path).strip()
    except (GitError, OSError):
        return False
    return Path(top).resolve() == path.resolve()


def latest_version_tag(url: str) -> str | None:
    """The newest PEP 440 release tag of a repository, as copier picks it; None without one."""
    from packaging.version import InvalidVersion, Version  # noqa: PLC0415 (lazy: fast --help)

    best: tuple[Version, str] | None = None
    for line in run_git("ls-remote", "--tags", "--refs", "--", url).splitlines():
        tag = line.partition("\t")[2].removeprefix("refs/tags/")
        try:
            version = Version(tag)
        except InvalidVersion:
            continue
        if not version.is_prerelease and (best is None or version > best[0]):
            best = (version, tag)
    return best[1] if best else None


def init_and_commit(
    path: Path,
    message: str,
    *,
    author_name: str,
    author_email: str,
    never_commit: tuple[str, ...] = (),
) -> str:
    """`git init` PATH on the user's default branch, commit everything; return the branch.

    Works on a machine without a git identity (the answers' author is used only when
    none is configured) and with `commit.gpgsign` on (this machine-made commit is not
    signed: there may be no agent to sign with). Files in `never_commit` (the secrets)
    are added to `.git/info/exclude` when the template's .gitignore does not cover them.
    """
    branch = config_value("init.defaultBranch") or "main"
    run_git("init", "--quiet", "--initial-branch", branch, cwd=path)
    _exclude_unless_ignored(path, never_commit)
    identity: list[str] = []
    if config_value("user.name", cwd=path) is None:
        identity += ["-c", f"user.name={author_name}"]
    if config_value("user.email", cwd=path) is None:
        identity += ["-c", f"user.email={author_email}"]
    run_git("add", "--all", cwd=path)
    run_git(
        *identity,
        "-c",
        "commit.gpgsign=false",
        "commit",
        "--quiet",
        "--no-verify",
        "--message",
        message,
        cwd=path,
    )
    return branch
