"""The update path, case by case: generate at v1.0.0, edit as a user would, update to v2.0.0.

Each test asserts that no line the user wrote is lost, that the template's changes
arrive, that conflicts are listed, the exit code, and that `.git` is untouched (every
file under it byte for byte, HEAD and refs): the update is left uncommitted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold import update_project
from scaffold.cli import app
from tests.fixtures import edit, git_fingerprint, status

runner = CliRunner()
MakeProject = Callable[..., Path]

TEMPLATE_V2_LINES = {  # a line of each change v2.0.0 makes to files users keep
    "README.md": "## Deploying",
    "Makefile": "\tuv run app --reload",
    "src/demo_app/main.py": 'return f"Hello there, {name}!"',
    "CHANGES.txt": "new in v2",
}


def update(project: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["update", str(project), "--defaults", *args])
    return result.exit_code, result.stdout, result.stderr


def assert_template_changes(project: Path, skip: tuple[str, ...] = ()) -> None:
    for name, line in TEMPLATE_V2_LINES.items():
        if name not in skip:
            assert line in (project / name).read_text(), name
    assert "_commit: v2.0.0" in (project / ".copier-answers.yml").read_text()


def test_non_conflicting_edit_is_merged(make_project: MakeProject) -> None:
    def edits(project: Path) -> None:
        main = project / "src/demo_app/main.py"
        edit(main, 'return f"Goodbye, {name}"', 'return f"Bye for now, {name}"  # mine')
        edit(project / "README.md", "Start with `make dev`.", "Start with `make dev`: my notes.")

    project = make_project(edits)
    before = git_fingerprint(project)

    code, out, _ = update(project)

    assert code == 0, out
    main = (project / "src/demo_app/main.py").read_text()
    assert 'return f"Bye for now, {name}"  # mine' in main
    assert "Start with `make dev`: my notes." in (project / "README.md").read_text()
    assert_template_changes(project)
    assert "merged (your edits and the template's)" in out
    assert "src/demo_app/main.py" in out
    assert git_fingerprint(project) == before
    assert " M README.md" in status(project)  # left uncommitted for review


def test_conflicting_edit_is_written_inline_and_listed(make_project: MakeProject) -> None:
    project = make_project(lambda p: edit(p / "config.toml", "timeout = 30", "timeout = 10"))
    before = git_fingerprint(project)

    code, out, err = update(project)

    assert code == 1
    config = (project / "config.toml").read_text()
    assert (
        "<<<<<<< your-project\ntimeout = 10\n=======\ntimeout = 60\n>>>>>>> template-v2.0.0\n"
        in (config)
    )
    assert "1 file(s) need you:" in out
    assert "    config.toml" in out
    assert "1 file(s) need you" in err
    assert not list(project.rglob("*.rej"))
    assert_template_changes(project)
    assert git_fingerprint(project) == before


def test_added_files_are_left_alone(make_project: MakeProject) -> None:
    def edits(project: Path) -> None:
        (project / "docs").mkdir()
        (project / "docs/mine.md").write_text("My documentation.\n")
        (project / "src/demo_app/bookings.py").write_text("BOOKINGS = []\n")

    project = make_project(edits)
    before = git_fingerprint(project)

    code, out, _ = update(project)

    assert code == 0, out
    assert (project / "docs/mine.md").read_text() == "My documentation.\n"
    assert (project / "src/demo_app/bookings.py").read_text() == "BOOKINGS = []\n"
    assert_template_changes(project)
    assert git_fingerprint(project) == before


def test_deleted_files_stay_deleted(make_project: MakeProject) -> None:
    def edits(project: Path) -> None:
        (project / "notes.txt").unlink()  # v2.0.0 changes it
        (project / "src/demo_app/util.py").unlink()  # v2.0.0 leaves it as it was

    project = make_project(edits)
    before = git_fingerprint(project)

    code, out, _ = update(project)

    assert code == 0, out
    assert not (project / "notes.txt").exists()
    assert not (project / "src/demo_app/util.py").exists()
    assert "left deleted (you had deleted them; the template changed or moved them)" in out
    assert "    notes.txt" in out
    assert_template_changes(project)
    assert git_fingerprint(project) == before


def test_edited_file_that_the_template_deletes_is_kept(make_project: MakeProject) -> None:
    project = make_project(lambda p: edit(p / "obsolete.txt", "Third line.", "Third line, mine."))
    before = git_fingerprint(project)

    code, out, _ = update(project)

    assert code == 0, out
    assert "Third line, mine." in (project / "obsolete.txt").read_text()
    assert "kept (the template removed them; you had edited them)" in out
    assert "    obsolete.txt" in out
    assert_template_changes(project)
    assert git_fingerprint(project) == before


def test_unedited_file_that_the_template_deletes_goes(make_project: MakeProject) -> None:
    project = make_project()

    code, out, _ = update(project)

    assert code == 0, out
    assert not (project / "obsolete.txt").exists()
    assert not (project / "guide/oldname.md").exists()
    assert (project / "guide/newname.md").is_file()


def test_edited_file_that_the_template_renames_moves_with_the_edit(
    make_project: MakeProject,
) -> None:
    project = make_project(lambda p: edit(p / "guide/oldname.md", "Step two.", "Step two, mine."))
    before = git_fingerprint(project)

    code, out, _ = update(project)

    assert code == 0, out
    assert not (project / "guide/oldname.md").exists()
    moved = (project / "guide/newname.md").read_text()
    assert "Step two, mine." in moved
    assert "Step four, revised." in moved  # and the template's own change to it
    assert "guide/oldname.md -> guide/newname.md" in out
    assert git_fingerprint(project) == before


def test_answer_change_moves_the_package_with_edits_and_added_files(
    make_project: MakeProject,
) -> None:
    def edits(project: Path) -> None:
        package = project / "src/demo_app"
        edit(package / "main.py", 'return f"Goodbye, {name}"', 'return f"Bye, {name}"  # mine')
        (package / "__init__.py").write_text('"""My package."""\n')  # empty in the template
        (package / "bookings.py").write_text("BOOKINGS = []\n")
        (package / "domain").mkdir()
        (package / "domain/models.py").write_text("class Booking: ...\n")

    project = make_project(edits)
    before = git_fingerprint(project)

    code, out, _ = update(project, "--data", "package_name=shop")

    assert code == 0, out
    assert not (project / "src/demo_app").exists()
    package = project / "src/shop"
    main = (package / "main.py").read_text()
    assert 'return f"Bye, {name}"  # mine' in main
    assert "from shop import util" in main  # the template's rename inside the file
    assert 'return f"Hello there, {name}!"' in main
    assert (package / "__init__.py").read_text() == '"""My package."""\n'
    assert (package / "bookings.py").read_text() == "BOOKINGS = []\n"
    assert (package / "domain/models.py").read_text() == "class Booking: ...\n"
    assert "package_name: 'demo_app' -> 'shop'" in out
    for moved in ("__init__.py", "bookings.py", "domain/models.py", "main.py"):
        assert f"src/demo_app/{moved} -> src/shop/{moved}" in out
    assert "package_name: shop" in (project / ".copier-answers.yml").read_text()
    assert git_fingerprint(project) == before


def test_answer_change_at_the_current_version(make_project: MakeProject) -> None:
    project = make_project(lambda p: (p / "src/demo_app/extra.py").write_text("X = 1\n"))

    code, out, _ = update(project, "--vcs-ref", ":current:", "--data", "package_name=shop")

    assert code == 0, out
    assert (project / "src/shop/extra.py").read_text() == "X = 1\n"
    assert "_commit: v1.0.0" in (project / ".copier-answers.yml").read_text()
    assert "Hello there" not in (project / "src/shop/main.py").read_text()


def test_every_case_at_once_loses_no_line(make_project: MakeProject) -> None:
    """All the edits of the cases above in one project, updated with an answer change."""
    mine: dict[str, list[str]] = {}  # where each of the user's lines must end up

    def edits(project: Path) -> None:
        package = project / "src/demo_app"
        edit(package / "main.py", 'return f"Goodbye, {name}"', 'return f"Bye, {name}"  # mine')
        edit(project / "config.toml", "timeout = 30", "timeout = 10")
        edit(project / "obsolete.txt", "Third line.", "Third line, mine.")
        edit(project / "guide/oldname.md", "Step two.", "Step two, mine.")
        (package / "bookings.py").write_text("BOOKINGS = []\n")
        (project / "notes.txt").unlink()
        mine.update(
            {
                "src/shop/main.py": ['return f"Bye, {name}"  # mine'],
                "config.toml": ["timeout = 10"],
                "obsolete.txt": ["Third line, mine."],
                "guide/newname.md": ["Step two, mine."],
                "src/shop/bookings.py": ["BOOKINGS = []"],
            }
        )

    project = make_project(edits)
    before = git_fingerprint(project)

    code, out, _ = update(project, "--data", "package_name=shop")

    assert code == 1  # the conflict in config.toml
    for name, lines in mine.items():
        text = (project / name).read_text()
        for line in lines:
            assert line in text, (name, line)
    assert not (project / "notes.txt").exists()
    assert_template_changes(project, skip=("src/demo_app/main.py",))
    assert 'return f"Hello there, {name}!"' in (project / "src/shop/main.py").read_text()
    assert "    config.toml" in out
    assert git_fingerprint(project) == before


def test_library_result_lists_what_happened(make_project: MakeProject) -> None:
    def edits(project: Path) -> None:
        edit(project / "config.toml", "timeout = 30", "timeout = 10")
        edit(project / "obsolete.txt", "Third line.", "Third line, mine.")
        (project / "notes.txt").unlink()

    project = make_project(edits)

    result = update_project(project, defaults=True)

    assert (result.from_version, result.to_version) == ("v1.0.0", "v2.0.0")
    assert result.conflicts == ("config.toml",)
    assert result.kept == ("obsolete.txt",)
    assert result.left_deleted == (("notes.txt", None),)
    assert "CHANGES.txt" in result.added
    assert "guide/oldname.md" in result.deleted
    assert not result.ok


@pytest.mark.parametrize("conflicting", [False, True])
def test_conflict_markers_are_found_by_scanning_every_file(
    make_project: MakeProject, conflicting: bool
) -> None:
    """A file with markers the update did not write is listed too (scan, not a report)."""

    def edits(project: Path) -> None:
        (project / "half-merged.txt").write_text("<<<<<<< mine\na\n=======\nb\n>>>>>>> theirs\n")
        if conflicting:
            edit(project / "config.toml", "timeout = 30", "timeout = 10")

    project = make_project(edits)

    result = update_project(project, defaults=True)

    expected = ("config.toml", "half-merged.txt") if conflicting else ("half-merged.txt",)
    assert result.conflicts == expected
