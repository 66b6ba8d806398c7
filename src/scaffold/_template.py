"""Where a template comes from, and which version of it copier is asked to render.

What copier records (`_src_path`, `_commit`) is what `scaffold update` will later use,
so the source is always something that stays valid: an absolute local path (copier
stores the path as typed, and a relative one breaks updates), or a git URL/shorthand
passed through. The ref is resolved here once (as copier would resolve it) and passed
to copier explicitly, so the questions we check answers against are the questions of
the version copier renders.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import scaffold
from scaffold._git import is_worktree_top, latest_version_tag, run_git
from scaffold.errors import GitError, TemplateError, UsageError

# The files copier reads its questions from (it refuses a template holding both).
CONFIG_NAMES = ("copier.yml", "copier.yaml")

# copier's rules for what is a git URL (copier._vcs.get_repo), so we agree with it.
_SHORTHANDS = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}
_GIT_URL_PREFIXES = ("git@", "git://", "git+", "https://github.com/", "https://gitlab.com/")

_PACKAGE_DIR = Path(__file__).resolve().parent
_PACKAGED_TEMPLATE = _PACKAGE_DIR / "_template_data"
BUNDLE_NAME = "template.bundle"


@dataclass(frozen=True)
class TemplateSource:
    """A template as copier will be given it."""

    src: str
    """Passed to copier and recorded as `_src_path`: absolute path, git URL or shorthand."""
    vcs_ref: str | None
    """The git ref to render (`HEAD`, a tag, a branch, a commit); None for a plain directory."""
    local_dir: Path | None
    """The template's directory when it is on this machine (not a URL or bundle)."""


def remote_git_url(src: str) -> str | None:
    """The clonable URL when `src` is a git URL or shorthand (as copier sees it), else None."""
    for alias, base in _SHORTHANDS.items():
        if src.startswith(alias):
            rest = src.removeprefix(alias).lstrip("/")
            return base + (rest if rest.endswith(".git") else f"{rest}.git")
    if src.endswith(".git"):
        return src.removeprefix("git+")
    if src.startswith(_GIT_URL_PREFIXES):
        url = src.removeprefix("git+")
        if url.startswith("https://") and not url.endswith(".git"):
            url += ".git"
        return url
    return None


def resolve_template(template: str | None, vcs_ref: str | None) -> TemplateSource:
    """Turn `--template`/`--vcs-ref` (or their absence: the built-in template) into a source."""
    if template is None:
        src, builtin_ref = builtin_template()
        return _local_source(src, vcs_ref or builtin_ref)
    path = Path(template).expanduser()
    if path.exists():
        path = path.resolve()
        if path.is_file() or template.endswith(".git"):
            # A git bundle or a `.git` path: copier clones these like a remote repository.
            ref = vcs_ref or latest_version_tag(str(path)) or "HEAD"
            return TemplateSource(str(path), ref, None)
        return _local_source(path, vcs_ref)
    if (url := remote_git_url(template)) is not None:
        return TemplateSource(template, vcs_ref or latest_version_tag(url) or "HEAD", None)
    raise UsageError(f"template not found: {template}")


def _local_source(path: Path, vcs_ref: str | None) -> TemplateSource:
    if not any((path / name).is_file() for name in CONFIG_NAMES):
        raise UsageError(f"{path} is not a copier template (it has no copier.yml)")
    if is_worktree_top(path):
        ref = vcs_ref or latest_version_tag(str(path)) or "HEAD"
        return TemplateSource(str(path), ref, path)
    if vcs_ref is not None:
        raise UsageError(f"--vcs-ref needs a git template, and {path} is not a git repository root")
    return TemplateSource(str(path), None, path)


def builtin_template() -> tuple[Path, str]:
    """The template shipped with scaffold, as (absolute git repository path, ref).

    From a source checkout it is the checkout itself at HEAD: the template of the code
    that runs (copier's default would be the newest tag). From a wheel it is the packaged
    copy, materialised once per version as a tagged git repository in the user cache.
    """
    checkout = checkout_template(_PACKAGE_DIR)
    if checkout is not None:
        return checkout, "HEAD"
    if (_PACKAGED_TEMPLATE / "copier.yml").is_file():
        version = scaffold.__version__
        return materialise_packaged_template(
            _PACKAGED_TEMPLATE, cache_dir(), version
        ), f"v{version}"
    raise TemplateError("the built-in template is missing from this installation; use --template")


def checkout_template(package_dir: Path) -> Path | None:
    """The repository root when `package_dir` (src/scaffold) lives in a git checkout."""
    root = package_dir.resolve().parents[1]
    if (root / "copier.yml").is_file() and is_worktree_top(root):
        return root
    return None


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says relative values are invalid and must be ignored.
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "scaffold"


def materialise_packaged_template(data_dir: Path, cache: Path, version: str) -> Path:
    """Copy the packaged template into `cache/template-<version>` as a repo tagged v<version>.

    copier records `_src_path` and `_commit`; a tagged git repository gives `scaffold
    update` a version to diff against. Built in a staging directory and renamed into
    place, so an interrupted or concurrent run never leaves a half-made repository.
    """
    target = cache / f"template-{version}"
    tag = f"v{version}"
    if _has_tag(target, tag):
        return target
    try:
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".template-{version}-", dir=cache))
    except OSError as error:
        raise TemplateError(f"cannot create the template cache in {cache}: {error}") from error
    try:
        bundle = data_dir / BUNDLE_NAME
        if bundle.is_file():
            # Every release of the template (see tools/template_bundle.py): what `update`
            # needs to re-render the version a project was made from.
            run_git("clone", "--quiet", "--", str(bundle), str(staging))
            if not _has_tag(staging, tag):
                _commit_packaged_files(data_dir, staging, version, tag)
        else:
            _commit_packaged_files(data_dir, staging, version, tag)
        if target.exists():  # left by an older, broken attempt
            shutil.rmtree(target)
        staging.rename(target)
    except OSError as error:
        if _has_tag(target, tag):  # another scaffold process won the race
            return target
        raise TemplateError(f"cannot create the template cache in {cache}: {error}") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _commit_packaged_files(data_dir: Path, staging: Path, version: str, tag: str) -> None:
    """Commit the packaged copier.yml and template/ in `staging`, tagged `tag`."""
    shutil.copytree(
        data_dir,
        staging,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__", BUNDLE_NAME, ".git"),
    )
    if not (staging / ".git").is_dir():
        run_git("init", "--quiet", "--initial-branch", "main", cwd=staging)
    run_git("add", "--all", cwd=staging)
    run_git(
        *("-c", "user.name=scaffold", "-c", "user.email=scaffold@localhost"),
        *("-c", "commit.gpgsign=false", "-c", "tag.gpgSign=false"),
        "commit",
        *("--quiet", "--no-verify", "--allow-empty", "--message", f"scaffold {version} template"),
        cwd=staging,
    )
    run_git("-c", "tag.gpgSign=false", "tag", tag, cwd=staging)


def _has_tag(repo: Path, tag: str) -> bool:
    if not (repo / ".git").is_dir():
        return False
    try:
        run_git("rev-parse", "--verify", "--quiet", f"refs/tags/{tag}", cwd=repo)
    except GitError:
        return False
    return True


def read_template_config(source: TemplateSource) -> tuple[str, str]:
    """The text of the template's copier.yml at the ref copier renders, and its name."""
    if source.local_dir is not None and source.vcs_ref in (None, "HEAD"):
        # copier renders a local HEAD with its uncommitted changes: read the work tree.
        for name in CONFIG_NAMES:
            path = source.local_dir / name
            if path.is_file():
                try:
                    return path.read_text(encoding="utf-8"), str(path)
                except (OSError, UnicodeError) as error:
                    raise TemplateError(f"cannot read {path}: {error}") from error
        raise UsageError(f"{source.local_dir} is not a copier template (it has no copier.yml)")
    ref = source.vcs_ref or "HEAD"
    if source.local_dir is not None:
        return _show_config(source.local_dir, ref, source.src)
    with tempfile.TemporaryDirectory(prefix="scaffold-template-") as tmp:
        repo, ref_in_clone = _clone_for_reading(source, ref, Path(tmp))
        return _show_config(repo, ref_in_clone, source.src)


def _clone_for_reading(source: TemplateSource, ref: str, tmp: Path) -> tuple[Path, str]:
    """Clone just enough of a remote template (or bundle) to read `ref`'s copier.yml."""
    url = remote_git_url(source.src) or source.src
    branch = [] if ref == "HEAD" else ["--branch", ref]
    try:
        run_git("clone", "--quiet", "--depth", "1", "--no-checkout", *branch, "--", url, f"{tmp}/s")
        return tmp / "s", "HEAD"
    except GitError:
        if ref == "HEAD":
            raise
    # `--branch` takes branches and tags only; a commit needs a full clone.
    run_git("clone", "--quiet", "--no-checkout", "--", url, f"{tmp}/f")
    return tmp / "f", ref


def _show_config(repo: Path, ref: str, src: str) -> tuple[str, str]:
    try:
        run_git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=repo)
    except GitError as error:
        raise UsageError(f"{src} has no version {ref!r} (no such tag, branch or commit)") from error
    for name in CONFIG_NAMES:
        try:
            return run_git("show", f"{ref}:{name}", cwd=repo), f"{src}@{ref}:{name}"
        except GitError:
            continue
    raise TemplateError(f"{src} at {ref} has no copier.yml")
