"""`scaffold update`: bring a generated project to a newer template version, losing nothing.

1. Refuse what cannot be reviewed or undone: a dirty work tree, a project without git.
2. Render the recorded version with the recorded answers (base) and the new version
   with the new answers (theirs) into temporary directories, in parallel.
3. Merge base, the project at HEAD (ours) and theirs in a scratch repository
   (`merge/three_way.py`), which corrects the cases where copier would lose the user's work.
4. Write the result into the work tree, all or nothing (`merge/apply.py`), never over a
   file git does not track (`merge/untracked.py`); a journal in the git directory lets
   the next run undo a write that was killed (`merge/journal.py`). `--pretend` stops
   before and returns the patch instead. Apart from the journal, `.git` is only read.
5. Scan the project for conflict markers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.conflicts import files_with_conflict_markers
from scaffold.errors import ScaffoldError, UsageError
from scaffold.interrupts import terminate_as_interrupt
from scaffold.merge.apply import apply_changes
from scaffold.merge.journal import locate
from scaffold.merge.scratch import Scratch
from scaffold.merge.three_way import MergeReport, Trees, merge_update
from scaffold.merge.untracked import set_aside_untracked
from scaffold.merge.workdir import update_workdir
from scaffold.project import (
    Project,
    answers_only,
    git_state,
    keep_recorded_source,
    listed,
    load_project,
    parse_answers_file,
    uncommitted_changes,
)
from scaffold.template import render_cache
from scaffold.template.changelog import changelog_for
from scaffold.template.model import Template
from scaffold.template.questions import check_answer_keys, question_choices
from scaffold.template.render import (
    DIRTY_TEMPLATE_WARNING,
    BackgroundRender,
    Rendered,
    render_version,
)
from scaffold.template.render_cache import render_key
from scaffold.template.source import project_template, require_recorded_version, target_ref
from scaffold.template.versions import is_downgrade

INTERRUPTED_AFTER_WRITING = (
    "interrupted after the update was written: it is in the work tree, uncommitted "
    "(`git status` shows it); `scaffold check` lists any conflict left to resolve"
)


@dataclass(frozen=True)
class UpdateResult:
    """What `update_project` changed (or, with `pretend`, would change)."""

    path: Path
    template: str
    """The template source as recorded (`_src_path`), unchanged by the update."""
    from_version: str
    to_version: str
    pretend: bool
    up_to_date: bool = False
    """Nothing to do: the project is at that version with those answers."""
    added: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    """Every file of the project holding conflict markers (found by scanning)."""
    unresolved: tuple[str, ...] = ()
    """Conflicts without markers (binary files, file/directory clashes), as git words them."""
    merged: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    moved: tuple[tuple[str, str], ...] = ()
    left_deleted: tuple[tuple[str, str | None], ...] = ()
    """(your path, the template's new path if it moved it): deleted by you, left deleted."""
    set_aside: tuple[tuple[str, str], ...] = ()
    """(your file, kept as it is; the template's version, written beside it): binary
    files both sides changed, and files git does not track where the template adds one."""
    answers_comments: tuple[str, ...] = ()
    """Lines you had commented in the answers file that the new one could not keep."""
    answers_changed: tuple[tuple[str, Any, Any], ...] = ()
    """(question, old answer, new answer)."""
    patch: str = ""
    """With `pretend`: the patch the update would apply."""
    changelog: str = ""
    """The template's CHANGELOG.md entries after `from_version`, up to `to_version`."""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """No conflict is left for the user to resolve."""
        return not self.conflicts and not self.unresolved and not self.set_aside


def update_project(  # noqa: PLR0913 (keyword-only options, one per CLI option)
    path: str | os.PathLike[str] = ".",
    *,
    vcs_ref: str | None = None,
    pretend: bool = False,
    defaults: bool = False,
    data: Mapping[str, Any] | None = None,
    conflict: str = "inline",
) -> UpdateResult:
    """Update the project at `path` to the template version `vcs_ref` (default: the newest).

    `data` changes answers; without `defaults` the questions are asked again on the
    terminal, prefilled with the recorded answers. Raises `UsageError` for bad input and
    `ScaffoldError` when the update cannot be made; either way the project is unchanged.
    Conflicts do not raise: they are in the result (and inline in the files).
    """
    if conflict != "inline":
        raise UsageError(
            f"--conflict {conflict} is not supported: a .rej file takes your hunk out of the "
            "file it belongs to; conflicts are always written inline"
        )
    project = load_project(path)
    state = git_state(project)
    dirty = uncommitted_changes(project)
    if dirty:
        # Likely the last update's result, if its summary was never seen (the terminal
        # closed, the process killed after writing): name what is left to resolve.
        marked = files_with_conflict_markers(project)
        markers = f"; conflict markers in {listed(marked)}" if marked else ""
        raise ScaffoldError(
            f"{project.path} has uncommitted changes ({listed(dirty)}){markers}; commit or "
            "stash them first, so the update can be reviewed and undone"
        )
    if not defaults and (sys.stdin is None or not sys.stdin.isatty()):
        raise UsageError(
            "no terminal to ask the questions on: pass --defaults (and --data KEY=VALUE "
            "for the answers that change)"
        )
    source = project_template(project)
    require_recorded_version(source, project)
    target = target_ref(source, project, vcs_ref)
    recorded = project.commit or ""
    settings = source.settings_at(target)
    warnings, questions = _target_config(source, target, settings)
    answers = dict(project.answers)
    if questions is not None:
        answers = {key: value for key, value in answers.items() if key in questions}
    if data:
        check_answer_keys(data, questions, "--data")
    answers.update(_answers_for_new_questions(settings, project.answers, data))
    for key in _retired_choices(answers, questions, data or {}):
        if defaults:
            raise UsageError(
                f"the recorded answer {key}={answers[key]!r} is not offered by the template "
                f"at {target} (choices: {', '.join(question_choices(questions, key))}): "
                f"pass --data {key}=<one of them>"
            )
        del answers[key]  # asked afresh, prefilled with the template's default
    if is_downgrade(recorded, source.describe(target)):
        raise UsageError(
            f"{target} is older than the project's template version {recorded}: "
            "downgrades are not supported"
        )
    changing = {k: v for k, v in (data or {}).items() if project.answers.get(k) != v}
    if not changing and source.same_render(recorded, target):
        return UpdateResult(
            path=project.path,
            template=source.recorded,
            from_version=recorded,
            to_version=recorded,
            pretend=pretend,
            up_to_date=True,
        )
    written = False
    try:
        with terminate_as_interrupt(), update_workdir() as work:  # SIGTERM restores, as Ctrl-C
            theirs, report, scratch, answers_changed = _compute(
                project,
                source,
                state.objects,
                state.head_tree,
                work,
                target=target,
                answers=answers,
                changes=data or {},
                defaults=defaults,
            )
            changes = scratch.changes(state.head_tree, report.tree)
            patch = scratch.patch(state.head_tree, report.tree) if pretend else ""
            if not pretend:
                contents = scratch.blobs(c.new.blob for c in changes if c.new is not None)
                apply_changes(project.path, changes, contents, journal=locate(project.path))
                written = True
        conflicts = report.conflicts if pretend else files_with_conflict_markers(project)
        to_version = theirs.commit or target
        changelog = changelog_for(source, recorded, target, to_version)
    except KeyboardInterrupt:
        if written:  # not "nothing was left behind": the update is in the work tree
            raise KeyboardInterrupt(INTERRUPTED_AFTER_WRITING) from None
        raise
    return UpdateResult(
        path=project.path,
        template=source.recorded,
        from_version=recorded,
        to_version=to_version,
        pretend=pretend,
        changelog=changelog,
        added=tuple(c.path for c in changes if c.old is None),
        modified=tuple(c.path for c in changes if c.old is not None and c.new is not None),
        deleted=tuple(c.path for c in changes if c.new is None),
        conflicts=tuple(conflicts),
        unresolved=tuple(report.unresolved),
        merged=tuple(report.merged),
        kept=tuple(report.kept),
        moved=tuple(report.moved),
        left_deleted=tuple(report.left_deleted),
        set_aside=tuple(report.set_aside),
        answers_comments=tuple(report.answers_comments),
        answers_changed=tuple(answers_changed),
        patch=patch,
        warnings=(*warnings, *(_update_notice(notice) for notice in theirs.notices)),
    )


def _retired_choices(
    answers: Mapping[str, Any], questions: Mapping[str, Any] | None, data: Mapping[str, Any]
) -> list[str]:
    """Recorded answers to multiple-choice questions that the new version no longer offers
    (say a Python version it dropped) and that `--data` does not replace."""
    return [
        key
        for key, value in answers.items()
        if key not in data
        and (offered := question_choices(questions, key))
        and str(value) not in offered
    ]


def _answers_for_new_questions(
    settings: Mapping[str, Any], recorded: Mapping[str, Any], data: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The answers the template gives, through `_scaffold_existing_projects`, to questions
    a project was generated without (it predates them), unless `--data` gives one.

    A new question's default is for new projects: an update must not add a part to an
    existing one (a frontend to an API-only app) that its owner never chose.
    """
    answers = settings.get("_scaffold_existing_projects")
    if not isinstance(answers, dict):
        return {}
    return {
        key: value
        for key, value in answers.items()
        if key not in recorded and key not in (data or {})
    }


def _update_notice(notice: str) -> str:
    if notice == DIRTY_TEMPLATE_WARNING:
        return (
            "the template repository has uncommitted changes: copier rendered them from a "
            "temporary commit, which the project now records (_commit) and the next update "
            "will not find; commit the template changes, then update again"
        )
    return notice


def _target_config(
    source: Template, target: str, settings: Mapping[str, Any]
) -> tuple[list[str], dict[str, Any] | None]:
    """Notices about the target version's copier.yml (`settings`), and its questions
    (None if unknown)."""
    notices = []
    skipped = [key for key in ("_tasks", "_migrations") if settings.get(key)]
    if skipped:
        notices.append(
            f"the template defines {' and '.join(skipped)}, which scaffold update does not "
            "run (they would run on temporary copies); run them yourself if needed"
        )
    return notices, source.questions_at(target)


def _compute(  # noqa: PLR0913 (one step of update_project)
    project: Project,
    source: Template,
    objects: Path,
    head_tree: str,
    work: Path,
    *,
    target: str,
    answers: dict[str, Any],
    changes: Mapping[str, Any],
    defaults: bool,
) -> tuple[Rendered, MergeReport, Scratch, list[tuple[str, Any, Any]]]:
    """Render both versions (in parallel when possible), merge them with the project, and
    list the answers that change: (question, recorded answer, new answer)."""
    import copier  # noqa: F401 (imported before forking: the child inherits it)

    base_dir, theirs_dir = work / "base", work / "theirs"
    recorded = project.commit or ""
    base_key = render_key(
        source.repo,
        recorded,
        answers=project.answers,
        answers_file=project.answers_file,
        src=source.src,
        recorded=source.recorded,
    )
    cached_base = render_cache.lookup(base_key)  # rendered by `new` or the last update
    base_job = None
    if cached_base is None:
        base_job = BackgroundRender(
            source.src, base_dir, recorded, project.answers, project.answers_file
        )
    try:
        theirs = render_version(
            source.src,
            theirs_dir,
            vcs_ref=target,
            # Without --defaults the questions are asked, prefilled with the recorded answers.
            answers={**answers, **changes} if defaults else changes,
            answers_file=project.answers_file,
            defaults=defaults,
            user_defaults=None if defaults else answers,
        )
        if base_job is not None:
            base_job.result()
    finally:
        if base_job is not None:
            base_job.close()
    if source.src != source.recorded:
        for directory in (base_dir, theirs_dir):
            keep_recorded_source(directory / project.answers_file, project.raw_answers_text)
    scratch = Scratch(work, borrow_from=[objects, render_cache.cache_objects()])
    trees = Trees(
        base=cached_base or scratch.tree_of_directory(base_dir),
        ours=head_tree,
        theirs=scratch.tree_of_directory(theirs_dir),
    )
    if base_job is not None:
        render_cache.store(base_key, base_dir)
    theirs_answers = answers_only(
        parse_answers_file(
            (theirs_dir / project.answers_file).read_text(encoding="utf-8"), theirs_dir
        )
    )
    render_cache.store(
        render_key(
            source.repo,
            theirs.commit,
            answers=theirs_answers,
            answers_file=project.answers_file,
            src=source.src,
            recorded=source.recorded,
        ),
        theirs_dir,
    )
    report = merge_update(
        scratch,
        trees,
        theirs_label=f"template-{theirs.commit or target}",
        answers_file=project.answers_file,
        skip_if_exists=theirs.skip_if_exists,
    )
    report.tree, untracked = set_aside_untracked(scratch, project.path, head_tree, report.tree)
    report.set_aside = sorted([*report.set_aside, *untracked])
    recorded_answers = answers_only(project.answers)
    report_answers = [
        (key, recorded_answers.get(key), value)
        for key, value in sorted(theirs_answers.items())
        if recorded_answers.get(key) != value
    ]
    return theirs, report, scratch, report_answers
