"""The text the CLI prints for `update`, `check` and `diff` results (no I/O here)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scaffold.commands.check import CheckResult
    from scaffold.commands.diff import DiffResult
    from scaffold.commands.update import UpdateResult


def _section(title: str, items: Iterable[str]) -> list[str]:
    listed = [f"    {item}" for item in items]
    return [f"  {title}:", *listed] if listed else []


def update_summary(result: UpdateResult) -> str:
    """What the update changed (or would change), what it kept, and what is left to do."""
    if result.up_to_date:
        return f"{result.path} is up to date: template {result.template} @ {result.from_version}"
    verb = "Would update" if result.pretend else "Updated"
    lines = [
        f"{verb} {result.path} from {result.from_version} to {result.to_version}",
        f"  template: {result.template}",
    ]
    lines += _section(
        "answers", (f"{key}: {old!r} -> {new!r}" for key, old, new in result.answers_changed)
    )
    counts = f"{len(result.modified)} modified, {len(result.added)} added, "
    lines.append(f"  files: {counts}{len(result.deleted)} deleted")
    lines += _section("merged (your edits and the template's)", result.merged)
    lines += _section("moved with your edits", (f"{a} -> {b}" for a, b in result.moved))
    lines += _section("kept (the template removed them; you had edited them)", result.kept)
    lines += _section(
        "left deleted (you had deleted them; the template changed them)", result.left_deleted
    )
    if result.conflicts:
        lines.append("Conflicts: resolve the <<<<<<< ======= >>>>>>> blocks in:")
        lines += [f"    {name}" for name in result.conflicts]
    if result.unresolved:
        lines.append("Conflicts git could not mark in the files:")
        lines += [f"    {text}" for text in result.unresolved]
    if result.changelog:
        lines += ["", result.changelog, ""]
    if result.pretend:
        lines.append("Nothing was changed (--pretend).")
    else:
        lines.append(
            "Nothing is committed: review with `git status` and `git diff`, "
            "then `git add -A && git commit`."
        )
    return "\n".join(lines)


def check_summary(result: CheckResult) -> str:
    if result.up_to_date:
        lines = [f"up to date: template {result.template} @ {result.current}"]
    else:
        lines = [
            f"behind: the project is at {result.current}, the template at {result.newest}",
            f"  template: {result.template}",
        ]
        if result.changelog:
            lines += ["", result.changelog, ""]
        lines.append("Run `scaffold update` to update.")
    if result.conflicts:
        lines.append("Conflict markers left by an update, in:")
        lines += [f"    {name}" for name in result.conflicts]
    return "\n".join(lines)


def diff_summary(result: DiffResult) -> str:
    lines = []
    if result.patch:
        lines.append(result.patch.rstrip("\n"))
    header = f"{result.path} against a fresh render of {result.version}:"
    counts = f"{len(result.modified)} template files changed, {len(result.deleted)} removed"
    lines.append(f"{header} {counts}, {len(result.added)} files of your own")
    return "\n".join(lines)
