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
    """What the update changed (or would change), what needs the user, what it kept for
    them, and the next command: read top to bottom by someone who has never merged."""
    if result.up_to_date:
        return f"{result.path} is up to date: template {result.template} @ {result.from_version}"
    verb = "Would update" if result.pretend else "Updated"
    lines = [
        f"{verb} {result.path} from {result.from_version} to {result.to_version}",
        f"  template: {result.template}",
    ]
    lines += _section(
        "answers changed",
        (f"{key}: {old!r} -> {new!r}" for key, old, new in result.answers_changed),
    )
    counts = f"{len(result.modified)} modified, {len(result.added)} added, "
    lines.append(f"  files: {counts}{len(result.deleted)} deleted")
    needs = _needs_you(result)
    if needs:
        would = "would need" if result.pretend else "need"
        lines += ["", f"{len(needs)} file(s) {would} you:", *(f"    {item}" for item in needs)]
    kept = [
        *_section("merged (your edits and the template's)", result.merged),
        *_section("moved with your edits", (f"{a} -> {b}" for a, b in result.moved)),
        *_section("kept (the template removed them; you had edited them)", result.kept),
        *_section(
            "left deleted (you had deleted them; the template changed or moved them)",
            (_left_deleted(path, moved_to) for path, moved_to in result.left_deleted),
        ),
        *_section(
            "comments you added to the answers file that the new one could not keep "
            "(add them back if you need them)",
            result.answers_comments,
        ),
    ]
    if kept:
        lines += ["", "Your work, kept:", *kept]
    if result.changelog:
        lines += ["", result.changelog]
    lines += ["", _next_step(result, needs)]
    return "\n".join(lines)


def _needs_you(result: UpdateResult) -> list[str]:
    items = [
        f"{name}: you and the template changed the same lines; edit each "
        "<<<<<<< ======= >>>>>>> block to what you want"
        for name in result.conflicts
    ]
    items += [
        f"{yours}: kept as you had it; the template's version is in {theirs}"
        for yours, theirs in result.set_aside
    ]
    items += [f"{text} (as git says it)" for text in result.unresolved]
    return items


def _left_deleted(path: str, moved_to: str | None) -> str:
    return path if moved_to is None else f"{path} (the template moved it to {moved_to})"


def _next_step(result: UpdateResult, needs: list[str]) -> str:
    if result.pretend:
        return "Nothing was changed (--pretend). Next: the same command without --pretend."
    commit = f'git add -A && git commit -m "Update to template {result.to_version}"'
    if needs:
        return (
            "Nothing is committed. Next: settle each file above (for a .from-template "
            "file, take what you want from it and delete it); `scaffold check` then lists "
            f"any conflict marker left; review with `git diff`, then `{commit}`."
        )
    return f"Nothing is committed. Next: review with `git status` and `git diff`, then `{commit}`."


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
