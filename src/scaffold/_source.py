"""Which template a generated project is updated from, and which versions it has.

copier always reads the source from the answers file (`_src_path`). A path recorded on
one machine may not exist on another, so the built-in template is recognised and
resolved to what this installation of scaffold carries (see docs/updating.md);
any other template is used where it was recorded.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scaffold import _template
from scaffold._answers import read_questions
from scaffold._git import is_worktree_top, latest_version_tag, run_git
from scaffold._project import Project
from scaffold.errors import GitError, ScaffoldError, TemplateError, UsageError

# The wheel's per-version cache: `<cache>/scaffold/template-<version>`.
_CACHE_DIR_NAME = re.compile(r"template-[0-9][0-9A-Za-z.+!_-]*")
CURRENT = ":current:"
"""`--vcs-ref :current:` keeps the recorded version (to change answers only), as in copier."""


@dataclass(frozen=True)
class ProjectSource:
    """The template of a project, as this machine can reach it."""

    src: str
    """Given to copier: a local repository, a bundle, or a git URL."""
    recorded: str
    """`_src_path` as recorded; kept in the answers file after an update."""
    builtin: bool
    """The project was made from scaffold's built-in template."""
    repo: Path | None
    """A local git repository holding the versions (None for a URL or a bundle)."""
    newest: str
    """The version an update goes to without `--vcs-ref`."""


def project_source(project: Project) -> ProjectSource:
    """Resolve the project's recorded template source (`_src_path`) on this machine."""
    recorded = project.src_path
    if not recorded:
        raise UsageError(
            f"{project.path / project.answers_file} records no template source (_src_path)"
        )
    if not project.commit:
        raise UsageError(
            f"{project.path / project.answers_file} records no template version (_commit): "
            "only a project made from a git template can be updated"
        )
    builtin = _builtin_source(recorded, project)
    if builtin is not None:
        root, ref = builtin
        return ProjectSource(str(root), recorded, True, root, ref)
    url = _template.remote_git_url(recorded)
    path = Path(recorded).expanduser()
    if url is None and not path.exists():
        raise TemplateError(
            f"the template recorded in {project.answers_file} ({recorded}) is not on this "
            "machine; make it available at that path (or run the update where it is)"
        )
    if url is None and path.is_dir():
        if not is_worktree_top(path):
            raise TemplateError(
                f"the template {recorded} is not a git repository: updates need its versions"
            )
        return ProjectSource(recorded, recorded, False, path, _newest(recorded))
    return ProjectSource(recorded, recorded, False, None, _newest(url or recorded))


def _newest(location: str) -> str:
    return latest_version_tag(location) or "HEAD"


def _builtin_source(recorded: str, project: Project) -> tuple[Path, str] | None:
    """This installation's built-in template, when `recorded` designates it."""
    if _template.remote_git_url(recorded) is not None:
        return None
    path = Path(recorded)
    wheel_cache = bool(_CACHE_DIR_NAME.fullmatch(path.name)) and path.parent.name == "scaffold"
    here = _template.checkout_template(_template._PACKAGE_DIR)
    if not wheel_cache and path.exists() and (here is None or path.resolve() != here):
        return None  # some other template that is reachable: use it where it is
    try:
        root, ref = _template.builtin_template()
    except TemplateError:
        return None
    if wheel_cache or path.resolve() == root.resolve() or _answers_our_questions(root, project):
        return root, ref
    return None


def _answers_our_questions(root: Path, project: Project) -> bool:
    """Whether a project whose template path is gone came from someone's scaffold checkout.

    It did when it recorded a version our repository has, and answers our questions.
    """
    if project.commit is None or resolve_commit(root, project.commit) is None:
        return False
    try:
        questions = read_questions(*_show(root, project.commit, "copier.yml"))
    except ScaffoldError:
        return False
    return questions is not None and set(project.answers) <= set(questions)


def resolve_commit(repo: Path, ref: str) -> str | None:
    """The commit `ref` names in `repo` (a tag, branch, hash or `git describe` output)."""
    try:
        return run_git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=repo).strip()
    except GitError:
        return None


def _show(repo: Path, ref: str, name: str) -> tuple[str, str]:
    return run_git("show", f"{ref}:{name}", cwd=repo), f"{repo}@{ref}:{name}"


def target_ref(source: ProjectSource, project: Project, vcs_ref: str | None) -> str:
    """The version to update to: `--vcs-ref`, `:current:` (the recorded one) or the newest."""
    if vcs_ref == CURRENT:
        return project.commit or source.newest
    ref = vcs_ref or source.newest
    if source.repo is not None and resolve_commit(source.repo, ref) is None:
        if vcs_ref is None:
            raise TemplateError(f"the template {source.src} has no version {ref!r}")
        raise UsageError(f"the template {source.src} has no version {ref!r}")
    return ref


def require_recorded_version(source: ProjectSource, project: Project) -> None:
    """Refuse early when the recorded version cannot be rendered (nothing to diff against)."""
    commit = project.commit or ""
    if source.repo is not None and resolve_commit(source.repo, commit) is None:
        hint = (
            " (a scaffold installed from a wheel carries its release tags only)"
            if source.builtin
            else " (was the project generated from uncommitted template changes?)"
        )
        raise TemplateError(
            f"the recorded template version {commit!r} is not in {source.src}{hint}"
        )


def same_template(source: ProjectSource, old: str, new: str) -> bool:
    """Whether two versions of a local template render the same (no template file differs)."""
    if source.repo is None:
        return old == new
    old_commit, new_commit = resolve_commit(source.repo, old), resolve_commit(source.repo, new)
    if old_commit is None or new_commit is None:
        return False
    if old_commit == new_commit:
        return True
    paths = [*_template.CONFIG_NAMES, *_template_subdirectory(source.repo, new_commit)]
    try:
        run_git("diff", "--quiet", old_commit, new_commit, "--", *paths, cwd=source.repo)
    except GitError:
        return False
    return True


def _template_subdirectory(repo: Path, commit: str) -> list[str]:
    """`_subdirectory` of the template at `commit`, as a pathspec (the whole tree without)."""
    import yaml  # noqa: PLC0415 (lazy: keeps `scaffold --help` fast)

    for name in _template.CONFIG_NAMES:
        try:
            text = run_git("show", f"{commit}:{name}", cwd=repo)
        except GitError:
            continue
        try:
            config = yaml.safe_load(text)
        except yaml.YAMLError:
            return ["."]
        sub = config.get("_subdirectory") if isinstance(config, dict) else None
        return [str(sub)] if isinstance(sub, str) and sub.strip() else ["."]
    return ["."]


def describe(source: ProjectSource, ref: str) -> str:
    """How copier will record `ref` (`git describe --tags --always`)."""
    if source.repo is None:
        return ref
    try:
        return run_git("describe", "--tags", "--always", ref, cwd=source.repo).strip()
    except GitError:
        return ref


def read_file_at(source: ProjectSource, ref: str, name: str) -> str | None:
    """A file of the template repository at `ref` (e.g. CHANGELOG.md); None when absent."""
    if source.repo is not None:
        try:
            return run_git("show", f"{ref}:{name}", cwd=source.repo)
        except GitError:
            return None
    url = _template.remote_git_url(source.src) or source.src
    with tempfile.TemporaryDirectory(prefix="scaffold-template-") as tmp:
        branch = [] if ref == "HEAD" else ["--branch", ref]
        try:
            run_git("clone", "--quiet", "--depth", "1", "--no-checkout", *branch, "--", url, tmp)
            return run_git("show", f"HEAD:{name}", cwd=Path(tmp))
        except GitError:
            return None


def keep_recorded_source(answers_path: Path, recorded_text: str) -> None:
    """Put the recorded `_src_path` back into a rendered answers file, byte for byte."""
    recorded_block = _src_block(recorded_text.splitlines(keepends=True))
    if not answers_path.is_file() or recorded_block is None:
        return
    lines = answers_path.read_text(encoding="utf-8").splitlines(keepends=True)
    rendered_block = _src_block(lines)
    if rendered_block is None:
        return
    start, end = rendered_block
    original = recorded_text.splitlines(keepends=True)[recorded_block[0] : recorded_block[1]]
    answers_path.write_text("".join([*lines[:start], *original, *lines[end:]]), encoding="utf-8")


def _src_block(lines: list[str]) -> tuple[int, int] | None:
    """The lines of the `_src_path:` entry (a long value may continue on indented lines)."""
    for index, line in enumerate(lines):
        if line.startswith("_src_path:"):
            end = index + 1
            while end < len(lines) and lines[end].startswith((" ", "\t")):
                end += 1
            return index, end
    return None
