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

from scaffold._version import __version__
from scaffold.env_file import write_env_file
from scaffold.errors import ScaffoldError, UsageError
from scaffold.git import init_and_commit, require_git
from scaffold.project import answers_only, find_answers_file, parse_answers_file
from scaffold.template import render_cache
from scaffold.template.model import Template
from scaffold.template.questions import (
    check_answer_keys,
    load_preset,
    newest_python_default,
)
from scaffold.template.render import render_version
from scaffold.template.render_cache import render_key
from scaffold.template.source import resolve_template


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
    source, ref = resolve_template(template, vcs_ref)
    questions = source.questions_at(ref)
    answers: dict[str, Any] = {}
    if preset is not None:
        preset_answers = load_preset(Path(preset))
        check_answer_keys(preset_answers, questions, f"preset {preset}")
        answers.update(preset_answers)
    if data:
        check_answer_keys(data, questions, "--data")
        answers.update(data)

    with _undo_on_failure(destination, created_root):
        rendered = render_version(
            source.src,
            destination,
            vcs_ref=ref,
            answers=answers,
            answers_file=None,
            defaults=defaults,
            user_defaults=newest_python_default(questions),
            run_tasks=True,
        )
        _remember_render(source, destination, rendered.commit)
        env_file = write_env_file(destination)
        branch = None
        if git:
            branch = init_and_commit(
                destination,
                f"Initial commit from scaffold {__version__}",
                author_name=str(rendered.answers.get("author_name") or "scaffold"),
                author_email=str(rendered.answers.get("author_email") or "scaffold@localhost"),
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


def _remember_render(source: Template, destination: Path, commit: str | None) -> None:
    """Keep the pristine render: it is what the first `scaffold update` diffs against."""
    if source.repo is None or commit is None:
        return
    try:
        answers_file = find_answers_file(destination)
        content = parse_answers_file(
            (destination / answers_file).read_text(encoding="utf-8"), destination / answers_file
        )
    except (ScaffoldError, OSError, UnicodeError):
        return
    key = render_key(
        source.repo,
        commit,
        answers=answers_only(content),
        answers_file=answers_file,
        src=source.src,
        recorded=source.src,
    )
    render_cache.store(key, destination)
