"""scaffold's built-in template: this checkout itself, or the copy a wheel carries.

From a wheel, the packaged template (every release of it, in a git bundle) becomes a
tagged git repository in the user cache once per version, so that `update` has the
versions to diff against.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from scaffold import _version
from scaffold.errors import GitError, TemplateError
from scaffold.git import MACHINE_IDENTITY, git_bytes, is_worktree_top, run_git

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/scaffold
PACKAGED_TEMPLATE = PACKAGE_DIR / "_template_data"
BUNDLE_NAME = "template.bundle"


def builtin_template() -> tuple[Path, str]:
    """The template shipped with scaffold, as (absolute git repository path, ref).

    From a source checkout it is the checkout itself at HEAD: the template of the code
    that runs (copier's default would be the newest tag). From a wheel it is the packaged
    copy, materialised once per version as a tagged git repository in the user cache.
    """
    checkout = checkout_template(PACKAGE_DIR)
    if checkout is not None:
        return checkout, "HEAD"
    if (PACKAGED_TEMPLATE / "copier.yml").is_file():
        version = _version.__version__  # read at call time (tests set it)
        return materialise_packaged_template(PACKAGED_TEMPLATE, cache_dir(), version), f"v{version}"
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
    git_bytes(
        *("-c", "commit.gpgsign=false", "-c", "tag.gpgSign=false"),
        "commit",
        *("--quiet", "--no-verify", "--allow-empty", "--message", f"scaffold {version} template"),
        cwd=staging,
        env=MACHINE_IDENTITY,
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
