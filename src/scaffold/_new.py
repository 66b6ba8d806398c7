"""`scaffold new`: check everything, render with copier, write `.env`, make the first commit.

Everything that can be refused is refused before the first byte is written; once writing
has begun, any failure (or Ctrl-C) removes what was written, so no half-made project is
ever left behind.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import scaffold
from scaffold import _render_cache as render_cache
from scaffold._answers import (
    check_answer_keys,
    load_preset,
    newest_python_default,
    read_questions,
)
from scaffold._env_file import write_env_file
from scaffold._git import init_and_commit, require_git
from scaffold._project import answers_only, find_answers_file, parse_answers_file
from scaffold._render import copier_errors
from scaffold._render_cache import render_key
from scaffold._template import TemplateSource, read_template_config, resolve_template
from scaffold.errors import ScaffoldError, UsageError


@dataclass(frozen=True)
class NewProjectResult:
    """What `new_project` made, and what it recorded for later updates."""

    path: Path
    """The project directory (absolute)."""
    template: str
    """The template source, as recorded in `.copier-answers.yml` (`_src_path`)."""
    template_version: str | None
    """The template version rendered (`_commit`: `git describe` of it); None if not git."""
    env_file: Path | None
    """The `.env` written with fresh secrets; None when the template has no `.env.example`."""
    git_branch: str | None
    """The branch of the first commit; None with `git=False`."""
    warnings: tuple[str, ...] = ()
    """One-line notices for the user (e.g. a dirty template)."""


def new_project(  # noqa: PLR0913 (keyword-only options, one per CLI option)
    path: str | os.PathLike[str],
    *,
    data: Mapping[str, Any] | None = None,
    defaults: bool = False,
    preset: str | os.PathLike[str] | None = None,
    template: str | None = None,
    vcs_ref: str | None = None,
    git: bool = True,
) -> NewProjectResult:
    """Generate a project at `path` from a copier template.

    `data` answers questions (it wins over `preset`, a YAML file of answers); without
    `defaults`, unanswered questions are asked on the terminal. `template` is a local
    path, a git URL or a `gh:`/`gl:` shorthand (default: the built-in template);
    `vcs_ref` picks its version. Raises `UsageError` for bad input (nothing written)
    and `ScaffoldError` when generation fails (everything written is removed).
    """
    destination = Path(path).expanduser().resolve()
    created_root = _check_destination(destination)
    stdin = sys.stdin  # None when the process was started without one
    if not defaults and (stdin is None or not stdin.isatty()):
        raise UsageError(
            "no terminal to ask the questions on: pass --defaults (and --data KEY=VALUE "
            "for the answers that differ)"
        )
    if git:
        require_git()
    source = resolve_template(template, vcs_ref)
    questions = read_questions(*read_template_config(source))
    answers: dict[str, Any] = {}
    if preset is not None:
        preset_answers = load_preset(Path(preset))
        check_answer_keys(preset_answers, questions, f"preset {preset}")
        answers.update(preset_answers)
    if data:
        check_answer_keys(data, questions, "--data")
        answers.update(data)

    with _undo_on_failure(destination, created_root):
        rendered = _render(
            source, destination, answers, newest_python_default(questions), defaults=defaults
        )
        _remember_render(source, destination, rendered.commit)
        env_file = write_env_file(destination)
        branch = None
        if git:
            branch = init_and_commit(
                destination,
                f"Initial commit from scaffold {scaffold.__version__}",
                author_name=rendered.author_name,
                author_email=rendered.author_email,
                never_commit=(env_file.name,) if env_file else (),
            )
    return NewProjectResult(
        path=destination,
        template=source.src,
        template_version=rendered.commit,
        env_file=env_file,
        git_branch=branch,
        warnings=rendered.notices,
    )


def _check_destination(destination: Path) -> Path | None:
    """Refuse an unusable destination; return the topmost directory we will create.

    None means the destination exists (empty): on failure we empty it again rather
    than remove it.
    """
    if destination.exists() or destination.is_symlink():
        if not destination.is_dir():
            raise UsageError(f"{destination} already exists and is not a directory")
        try:
            occupied = any(destination.iterdir())
        except OSError as error:
            raise UsageError(f"cannot read {destination}: {error.strerror}") from error
        if occupied:
            raise UsageError(f"{destination} is not empty; choose a new or empty directory")
        if not os.access(destination, os.W_OK | os.X_OK):
            raise UsageError(f"{destination} is not writable")
        return None
    topmost_missing = destination
    while not topmost_missing.parent.exists() and topmost_missing.parent != topmost_missing:
        topmost_missing = topmost_missing.parent
    parent = topmost_missing.parent
    if not parent.is_dir():
        raise UsageError(f"cannot create {destination}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"cannot create {destination}: {parent} is not writable")
    # Permissions do not tell everything (/proc, /sys, a read-only mount answer them as
    # writable): make the directory and take it away again, so such a place is bad
    # input like the others, refused before anything is rendered.
    try:
        topmost_missing.mkdir()
    except OSError as error:
        raise UsageError(f"cannot create {destination}: {error.strerror}") from error
    topmost_missing.rmdir()
    return topmost_missing


@contextmanager
def _undo_on_failure(destination: Path, created_root: Path | None) -> Iterator[None]:
    try:
        yield
    except BaseException:  # KeyboardInterrupt too: never leave a half-made project
        if created_root is not None:
            shutil.rmtree(created_root, ignore_errors=True)
        elif destination.is_dir():
            for child in destination.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise


def _remember_render(source: TemplateSource, destination: Path, commit: str | None) -> None:
    """Keep the pristine render: it is what the first `scaffold update` diffs against."""
    if source.local_dir is None or commit is None:
        return
    try:
        answers_file = find_answers_file(destination)
        content = parse_answers_file(
            (destination / answers_file).read_text(encoding="utf-8"), destination / answers_file
        )
    except (ScaffoldError, OSError, UnicodeError):
        return
    key = render_key(
        source.local_dir,
        commit,
        answers=answers_only(content),
        answers_file=answers_file,
        src=source.src,
        recorded=source.src,
    )
    render_cache.store(key, destination)


@dataclass(frozen=True)
class _Rendered:
    commit: str | None
    author_name: str
    author_email: str
    notices: tuple[str, ...]


def _render(
    source: TemplateSource,
    destination: Path,
    answers: dict[str, Any],
    user_defaults: dict[str, Any],
    *,
    defaults: bool,
) -> _Rendered:
    """Run copier, translating its errors; return what the rest of `new` needs."""
    import copier  # lazy: importing copier takes 0.3 s

    with copier_errors(destination) as notices:
        worker = copier.run_copy(
            source.src,
            destination,
            data=answers,
            user_defaults=user_defaults,
            vcs_ref=source.vcs_ref,
            defaults=defaults,
            quiet=True,
            cleanup_on_error=False,  # ours removes more (parents, an emptied directory)
        )
    combined = worker.answers.combined
    return _Rendered(
        commit=worker.template.commit,
        author_name=str(combined.get("author_name") or "scaffold"),
        author_email=str(combined.get("author_email") or "scaffold@localhost"),
        notices=tuple(notices),
    )
