"""A copier template as this machine reaches it: the one model `new`, `update`, `check`
and `diff` share.

It says what copier is given (`src`), what a project records (`recorded`), where the
template's versions live (`repo`, when it is a local git repository), and reads what
a version holds (its copier.yml, its questions, any file, its `git describe` name):
resolved once, read through one path (a shallow clone for a remote or a bundle).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from scaffold.errors import GitError, ScaffoldError, TemplateError, UsageError
from scaffold.git import latest_version_tag, run_git
from scaffold.template.questions import read_questions

# The files copier reads its questions from (it refuses a template holding both).
CONFIG_NAMES = ("copier.yml", "copier.yaml")

# copier's rules for what is a git URL (copier._vcs.get_repo), so we agree with it.
_SHORTHANDS = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}
_GIT_URL_PREFIXES = ("git@", "git://", "git+", "https://github.com/", "https://gitlab.com/")


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


@dataclass(frozen=True)
class Template:
    """One template source and the versions it has."""

    src: str
    """Given to copier: an absolute local path, a git URL or shorthand, or a bundle."""
    directory: Path | None = None
    """The template's directory on this machine (None for a URL or a bundle)."""
    is_git: bool = False
    """`directory` is the top of a git work tree: its versions are local."""
    recorded: str = ""
    """`_src_path` as a project recorded it (defaults to `src`)."""
    builtin: bool = False
    """scaffold's built-in template (from this checkout or the installed wheel)."""
    default_ref: str | None = field(default=None, compare=False)
    """The version to render when none is asked for (None: the newest)."""

    def __post_init__(self) -> None:
        if not self.recorded:
            object.__setattr__(self, "recorded", self.src)

    @property
    def repo(self) -> Path | None:
        """The local git repository holding the versions; None for a URL or a bundle."""
        return self.directory if self.is_git else None

    @cached_property
    def newest(self) -> str:
        """The version an update goes to without `--vcs-ref`: the newest release tag (as
        copier picks it), else HEAD; the built-in template's own version."""
        if self.default_ref is not None:
            return self.default_ref
        location = str(self.repo) if self.repo else remote_git_url(self.src) or self.src
        return latest_version_tag(location) or "HEAD"

    def commit_of(self, ref: str) -> str | None:
        """The commit `ref` names (a tag, branch, hash or `git describe` output); None when
        the repository has no such version or is not local."""
        if self.repo is None:
            return None
        try:
            commit = run_git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=self.repo)
        except GitError:
            return None
        return commit.strip()

    def describe(self, ref: str) -> str:
        """How copier will record `ref` (`git describe --tags --always`)."""
        if self.repo is None:
            return ref
        try:
            return run_git("describe", "--tags", "--always", ref, cwd=self.repo).strip()
        except GitError:
            return ref

    def file_at(self, ref: str, name: str) -> str | None:
        """A file of the template's repository at `ref` (e.g. CHANGELOG.md); None if absent."""
        try:
            return self._read_at(ref, (name,))[0]
        except (GitError, UsageError):
            return None

    def config_at(self, ref: str | None) -> tuple[str, str]:
        """The text of copier.yml at `ref` (as copier will render it), and where it is from.

        A local HEAD (or a plain directory) is read from the work tree, uncommitted changes
        included, as copier renders it.
        """
        if self.directory is not None and (not self.is_git or ref in (None, "HEAD")):
            for name in CONFIG_NAMES:
                path = self.directory / name
                if path.is_file():
                    try:
                        return path.read_text(encoding="utf-8"), str(path)
                    except (OSError, UnicodeError) as error:
                        raise TemplateError(f"cannot read {path}: {error}") from error
            raise UsageError(f"{self.directory} is not a copier template (it has no copier.yml)")
        ref = ref or "HEAD"
        texts = self._read_at(ref, CONFIG_NAMES)
        for name, text in zip(CONFIG_NAMES, texts, strict=True):
            if text is not None:
                return text, f"{self.src}@{ref}:{name}"
        raise TemplateError(f"{self.src} at {ref} has no copier.yml")

    def questions_at(self, ref: str | None) -> dict[str, Any] | None:
        """The questions version `ref` asks (see `read_questions`)."""
        return read_questions(*self.config_at(ref))

    def settings_at(self, ref: str | None) -> dict[str, Any]:
        """copier.yml at `ref` as a mapping ({} when it is not one)."""
        import yaml  # noqa: PLC0415 (lazy: keeps `scaffold --help` fast)

        try:
            config = yaml.safe_load(self.config_at(ref)[0])
        except yaml.YAMLError:
            return {}
        return config if isinstance(config, dict) else {}

    def same_render(self, old: str, new: str) -> bool:
        """Whether two versions render the same (no file of the template part differs)."""
        if self.repo is None:
            return old == new
        old_commit, new_commit = self.commit_of(old), self.commit_of(new)
        if old_commit is None or new_commit is None:
            return False
        if old_commit == new_commit:
            return True
        try:
            subdirectory = self.settings_at(new_commit).get("_subdirectory")
        except ScaffoldError:
            subdirectory = None
        part = [subdirectory] if isinstance(subdirectory, str) and subdirectory.strip() else ["."]
        try:
            run_git(
                "diff", "--quiet", old_commit, new_commit, "--", *CONFIG_NAMES, *part, cwd=self.repo
            )
        except GitError:
            return False
        return True

    def _read_at(self, ref: str, names: tuple[str, ...]) -> list[str | None]:
        """The files `names` at `ref` (None for each one absent)."""
        if self.repo is not None:
            if self.commit_of(ref) is None:
                raise UsageError(
                    f"{self.src} has no version {ref!r} (no such tag, branch or commit)"
                )
            return [_show(self.repo, ref, name) for name in names]
        with tempfile.TemporaryDirectory(prefix="scaffold-template-") as tmp:
            repo, ref_in_clone = self._clone_for_reading(ref, Path(tmp))
            return [_show(repo, ref_in_clone, name) for name in names]

    def _clone_for_reading(self, ref: str, tmp: Path) -> tuple[Path, str]:
        """Clone just enough of a remote template (or bundle) to read `ref`."""
        url = remote_git_url(self.src) or self.src
        branch = [] if ref == "HEAD" else ["--branch", ref]
        try:
            run_git(
                "clone", "--quiet", "--depth", "1", "--no-checkout", *branch, "--", url, f"{tmp}/s"
            )
            return tmp / "s", "HEAD"
        except GitError:
            if ref == "HEAD":
                raise
        # `--branch` takes branches and tags only; a commit needs a full clone.
        run_git("clone", "--quiet", "--no-checkout", "--", url, f"{tmp}/f")
        try:
            run_git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=tmp / "f")
        except GitError as error:
            raise UsageError(
                f"{self.src} has no version {ref!r} (no such tag, branch or commit)"
            ) from error
        return tmp / "f", ref


def _no_version(src: str, ref: str) -> str:
    return f"{src} has no version {ref!r} (no such tag, branch or commit)"


def _show(repo: Path, ref: str, name: str) -> str | None:
    try:
        return run_git("show", f"{ref}:{name}", cwd=repo)
    except GitError:
        return None
