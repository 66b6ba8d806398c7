"""What `scaffold update` says: each file in one true category, only real answer changes,
the owner's own paths, and a preview that is not an error (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

import scaffold.commands.update
from scaffold import update_project
from tests.fixtures import worktree
from tests.update.scenario import NAME_YML, Files, make_project, update

COMPUTED_YML = (
    NAME_YML
    + """
slug:
  type: str
  default: "{{ name }}-app"
  when: false

reserved:
  type: yaml
  default: [admin, api, static]
  when: false
"""
)
LONG = "".join(f"line {n} of a file long enough for git to pair it by content\n" for n in range(8))


def test_only_answers_that_change_are_listed(tmp_path: Path) -> None:
    files = {"a.txt.jinja": "{{ slug }}\n"}
    project = make_project(tmp_path, files, {**files, "b.txt": "b\n"}, copier_yml=COMPUTED_YML)

    unchanged = update(project, "--pretend")
    changed = update(project, "--pretend", "--data", "name=shop")

    assert unchanged.code == 0, unchanged
    assert "answers changed" not in unchanged.out
    assert "slug" not in unchanged.out
    assert "reserved" not in unchanged.out
    assert "answers changed:\n    name: 'demo' -> 'shop'\n" in changed.out
    assert "slug" not in changed.out


def test_skip_if_exists_file_is_kept_not_merged(tmp_path: Path) -> None:
    yml = NAME_YML + "_skip_if_exists: [settings.cfg]\n"
    v1 = {"settings.cfg": "a = 1\nb = 2\nc = 3\nd = 4\n", "app.py": "x = 1\n"}
    v2 = {"settings.cfg": "a = 1\nb = 2\nc = 3\nd = 40\n", "app.py": "x = 2\n"}

    def owner(project: Path) -> None:
        (project / "settings.cfg").write_text("a = 10\nb = 2\nc = 3\nd = 4\n")

    project = make_project(tmp_path, v1, v2, owner, yml)

    result = update_project(project, defaults=True)

    assert (project / "settings.cfg").read_text() == "a = 10\nb = 2\nc = 3\nd = 4\n"
    assert "settings.cfg" not in result.merged
    assert "settings.cfg" not in result.modified


def test_each_file_is_in_one_category(tmp_path: Path) -> None:
    v1: Files = {
        "merged.txt": LONG,
        "conflict.txt": "value = 1\n",
        "logo.png": b"\0v1",
        "gone.txt": LONG.replace("line", "row"),
    }
    v2: Files = {
        "merged.txt": LONG.replace("line 7", "line seven"),
        "conflict.txt": "value = 2\n",
        "logo.png": b"\0v2",
    }

    def owner(project: Path) -> None:
        (project / "merged.txt").write_text(LONG.replace("line 0", "line zero"))
        (project / "conflict.txt").write_text("value = 3\n")
        (project / "logo.png").write_bytes(b"\0mine")
        (project / "gone.txt").write_text(LONG.replace("line", "row") + "mine\n")

    project = make_project(tmp_path, v1, v2, owner)

    result = update_project(project, defaults=True)

    assert result.merged == ("merged.txt",)
    assert result.conflicts == ("conflict.txt",)
    assert result.set_aside == (("logo.png", "logo.png.from-template"),)
    assert result.kept == ("gone.txt",)
    assert result.unresolved == ()


def test_left_deleted_names_the_owners_path_and_the_templates_move(tmp_path: Path) -> None:
    v1 = {"docs/guide.md": LONG}
    v2 = {"docs/handbook.md": LONG.replace("line 7", "line seven")}

    project = make_project(tmp_path, v1, v2, lambda p: (p / "docs/guide.md").unlink())

    outcome = update(project)

    assert outcome.code == 0, outcome
    assert not (project / "docs/handbook.md").exists()
    assert not (project / "docs/guide.md").exists()
    assert "    docs/guide.md (the template moved it to docs/handbook.md)\n" in outcome.out


def test_a_preview_with_conflicts_says_what_would_be_left_and_is_not_an_error(
    tmp_path: Path,
) -> None:
    project = make_project(
        tmp_path,
        {"conflict.txt": "value = 1\n"},
        {"conflict.txt": "value = 2\n"},
        lambda p: (p / "conflict.txt").write_text("value = 3\n"),
    )
    before = worktree(project)

    outcome = update(project, "--pretend")

    assert outcome.code == 3, outcome
    assert "error" not in outcome.err
    assert "1 file(s) would need you:\n    conflict.txt: you and the template" in outcome.out
    assert "Nothing was changed (--pretend)" in outcome.out
    assert worktree(project) == before


def test_the_summary_ends_with_the_next_command(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {"conflict.txt": "value = 1\n", "logo.png": b"\0v1"},
        {"conflict.txt": "value = 2\n", "logo.png": b"\0v2"},
        lambda p: [
            (p / "conflict.txt").write_text("value = 3\n"),
            (p / "logo.png").write_bytes(b"\0mine"),
        ],
    )

    outcome = update(project)

    assert outcome.code == 1
    assert outcome.err == "error: 2 file(s) need you (listed above)\n"
    assert "2 file(s) need you:\n" in outcome.out
    assert "    logo.png: kept as you had it; the template's version is in " in outcome.out
    last = outcome.out.rstrip("\n").splitlines()[-1]
    assert last.startswith("Nothing is committed. Next: settle each file above")
    assert 'git commit -m "Update to template v2.0.0"' in last


def test_a_second_update_over_unresolved_conflicts_names_them(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {"conflict.txt": "value = 1\n"},
        {"conflict.txt": "value = 2\n"},
        lambda p: (p / "conflict.txt").write_text("value = 3\n"),
    )
    assert update(project).code == 1  # its summary unread, say

    again = update(project)

    assert again.code == 1
    assert "conflict markers in conflict.txt;" in again.err


def test_an_interrupt_after_the_write_says_the_update_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"a.txt": "a\n"}, {"a.txt": "a, v2\n"})

    def interrupted(_project: object) -> list[str]:  # Ctrl-C while the files are scanned
        raise KeyboardInterrupt

    monkeypatch.setattr(scaffold.commands.update, "files_with_conflict_markers", interrupted)

    outcome = update(project)

    assert outcome.code == 130
    assert outcome.err.startswith("aborted: interrupted after the update was written")
    assert (project / "a.txt").read_text() == "a, v2\n"
