"""Which template a command works on, resolved once into a `Template`: `--template` and
`--vcs-ref` for `new`, a project's recorded `_src_path` for `update`, `check` and `diff`.

What copier records (`_src_path`, `_commit`) is what `scaffold update` later uses, so a
new project's source is always something that stays valid: an absolute local path
(copier stores the path as typed, and a relative one breaks updates), or a git URL or
shorthand passed through. A path recorded on one machine may not exist on another, so
the built-in template is recognised and resolved to what this installation carries
(docs/updating.md); any other template is used where it was recorded.
"""

from __future__ import annotations

import re
from pathlib import Path

from scaffold.errors import ScaffoldError, TemplateError, UsageError
from scaffold.git import is_worktree_top
from scaffold.project import Project
from scaffold.template import builtin
from scaffold.template.model import CONFIG_NAMES, Template, remote_git_url

# The wheel's per-version cache: `<cache>/scaffold/template-<version>`.
_CACHE_DIR_NAME = re.compile(r"template-[0-9][0-9A-Za-z.+!_-]*")
CURRENT = ":current:"
"""`--vcs-ref :current:` keeps the recorded version (to change answers only), as in copier."""


def resolve_template(template: str | None, vcs_ref: str | None) -> tuple[Template, str | None]:
    """`--template`/`--vcs-ref` (or their absence: the built-in template), as the template
    and the version copier is asked to render (None for a plain directory).

    The version is resolved here, as copier would, so that the questions answers are
    checked against are those of the version copier renders.
    """
    if template is None:
        root, ref = builtin.builtin_template()
        return _local(root, vcs_ref, builtin=True, default_ref=ref)
    path = Path(template).expanduser()
    if path.exists():
        path = path.resolve()
        if path.is_file() or template.endswith(".git"):
            # A git bundle or a `.git` path: copier clones these like a remote repository.
            bundle = Template(str(path))
            return bundle, vcs_ref or bundle.newest
        return _local(path, vcs_ref)
    if remote_git_url(template) is not None:
        remote = Template(template)
        return remote, vcs_ref or remote.newest
    raise UsageError(f"template not found: {template}")


def _local(
    path: Path, vcs_ref: str | None, *, builtin: bool = False, default_ref: str | None = None
) -> tuple[Template, str | None]:
    if not any((path / name).is_file() for name in CONFIG_NAMES):
        raise UsageError(f"{path} is not a copier template (it has no copier.yml)")
    if is_worktree_top(path):
        local = Template(str(path), path, is_git=True, builtin=builtin, default_ref=default_ref)
        return local, vcs_ref or local.newest
    if vcs_ref is not None:
        raise UsageError(f"--vcs-ref needs a git template, and {path} is not a git repository root")
    return Template(str(path), path, builtin=builtin), None


def project_template(project: Project) -> Template:
    """The template a project records (`_src_path`), as this machine reaches it."""
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
    ours = _builtin_for(recorded, project)
    if ours is not None:
        root, ref = ours
        return Template(
            str(root), root, is_git=True, recorded=recorded, builtin=True, default_ref=ref
        )
    url = remote_git_url(recorded)
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
        return Template(recorded, path, is_git=True)
    return Template(recorded)


def _builtin_for(recorded: str, project: Project) -> tuple[Path, str] | None:
    """This installation's built-in template, when `recorded` designates it."""
    if remote_git_url(recorded) is not None:
        return None
    path = Path(recorded)
    wheel_cache = bool(_CACHE_DIR_NAME.fullmatch(path.name)) and path.parent.name == "scaffold"
    here = builtin.checkout_template(builtin.PACKAGE_DIR)
    if not wheel_cache and path.exists() and (here is None or path.resolve() != here):
        return None  # some other template that is reachable: use it where it is
    try:
        root, ref = builtin.builtin_template()
    except TemplateError:
        return None
    if wheel_cache or path.resolve() == root.resolve() or _answers_our_questions(root, project):
        return root, ref
    return None


def _answers_our_questions(root: Path, project: Project) -> bool:
    """Whether a project whose template path is gone came from someone's scaffold checkout.

    It did when it recorded a version our repository has, and answers our questions.
    """
    ours = Template(str(root), root, is_git=True)
    if project.commit is None or ours.commit_of(project.commit) is None:
        return False
    try:
        questions = ours.questions_at(project.commit)
    except ScaffoldError:
        return False
    return questions is not None and set(project.answers) <= set(questions)


def target_ref(source: Template, project: Project, vcs_ref: str | None) -> str:
    """The version to update to: `--vcs-ref`, `:current:` (the recorded one) or the newest."""
    if vcs_ref == CURRENT:
        return project.commit or source.newest
    ref = vcs_ref or source.newest
    if source.repo is not None and source.commit_of(ref) is None:
        if vcs_ref is None:
            raise TemplateError(f"the template {source.src} has no version {ref!r}")
        raise UsageError(f"the template {source.src} has no version {ref!r}")
    return ref


def require_recorded_version(source: Template, project: Project) -> None:
    """Refuse early when the recorded version cannot be rendered (nothing to diff against)."""
    commit = project.commit or ""
    if source.repo is not None and source.commit_of(commit) is None:
        hint = (
            " (a scaffold installed from a wheel carries its release tags only)"
            if source.builtin
            else " (was the project generated from uncommitted template changes?)"
        )
        raise TemplateError(
            f"the recorded template version {commit!r} is not in {source.src}{hint}"
        )
