"""`scaffold check` (versions, changelog, leftover conflicts) and `scaffold diff`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold import check_project, diff_project, new_project
from scaffold.cli import app
from scaffold.template.changelog import changelog_between
from tests.fake_templates import CHANGELOG, V1, V2, commit_version, git, write_version
from tests.fixtures import commit_all, edit, git_fingerprint

runner = CliRunner()
MakeProject = Callable[..., Path]


def test_check_up_to_date(make_project: MakeProject) -> None:
    project = make_project(ref="v2.0.0")
    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("up to date: template ")
    assert "@ v2.0.0" in result.stdout


def test_check_behind_prints_both_versions_and_the_changelog(make_project: MakeProject) -> None:
    project = make_project()
    before = git_fingerprint(project)

    result = runner.invoke(app, ["check", str(project)])

    assert result.exit_code == 1
    out = result.stdout
    assert "behind: the project is at v1.0.0, the template at v2.0.0" in out
    assert "## [2.0.0] - 2026-02-01" in out
    assert "- Deploying section in the README." in out
    assert "First release" not in out  # the version the project already has
    assert "Unreleased" not in out  # not part of v2.0.0
    assert "scaffold update" in out
    assert git_fingerprint(project) == before


def test_check_after_an_update_with_conflicts_fails_until_resolved(
    make_project: MakeProject,
) -> None:
    project = make_project(lambda p: edit(p / "config.toml", "timeout = 30", "timeout = 10"))
    assert runner.invoke(app, ["update", str(project), "--defaults"]).exit_code == 1

    result = runner.invoke(app, ["check", str(project)])

    assert result.exit_code == 1
    assert "up to date" in result.stdout
    assert "Conflict markers left by an update, in:\n    config.toml" in result.stdout
    (project / "config.toml").write_text("[server]\ntimeout = 10\n")
    assert runner.invoke(app, ["check", str(project)]).exit_code == 0


def test_check_in_the_current_directory(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_project())
    assert runner.invoke(app, ["check"]).exit_code == 1


def test_check_of_a_non_project_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


def test_check_does_not_render_or_import_copier(make_project: MakeProject) -> None:
    """Fast enough for a pre-commit hook: no copier, no Jinja, a few git commands."""
    project = make_project()
    code = (
        "import sys\n"
        f"sys.argv = ['scaffold', 'check', {str(project)!r}]\n"
        "from scaffold.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        "print(code, [m for m in ('copier', 'jinja2') if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "1 []"


def test_check_compares_template_content_for_untagged_versions(
    template: Path, tmp_path: Path, make_project: MakeProject
) -> None:
    """A local template past its last tag: behind only when a template file changed."""
    fork = tmp_path / "fork"
    git("clone", "--quiet", str(template), str(fork), cwd=tmp_path)
    project = make_project(ref="v2.0.0")
    answers = project / ".copier-answers.yml"
    edit(answers, f"_src_path: {template}", f"_src_path: {fork}")
    commit_all(project, "use the fork")
    (fork / "README-of-the-template-repo.md").write_text("not part of the template\n")
    git("add", "--all", cwd=fork)
    git("commit", "--quiet", "-m", "docs", cwd=fork)
    git("tag", "v2.0.1", cwd=fork)

    assert check_project(project).up_to_date  # v2.0.1 renders the same as v2.0.0

    (fork / "template" / "NEW.md").write_text("new\n")
    git("add", "--all", cwd=fork)
    git("commit", "--quiet", "-m", "new file", cwd=fork)
    git("tag", "v2.1.0", cwd=fork)
    result = check_project(project)
    assert not result.up_to_date
    assert result.newest == "v2.1.0"


@pytest.mark.parametrize(
    ("current", "newest", "expected"),
    [
        ("v1.0.0", "v2.0.0", ["## [2.0.0]"]),
        ("v1.0.0", "v2.0.0-3-gabcdef0", ["## [Unreleased]", "## [2.0.0]"]),
        ("v2.0.0", "v2.0.0-1-gabcdef0", ["## [Unreleased]"]),
        ("abcdef0", "v2.0.0", ["## [2.0.0]", "## [1.0.0]"]),
    ],
)
def test_changelog_between(current: str, newest: str, expected: list[str]) -> None:
    text = changelog_between(CHANGELOG, current, newest)
    headings = [line.split(" - ")[0] for line in text.splitlines() if line.startswith("## ")]
    assert headings == expected


UNTAGGED_BEFORE = """\
# Changelog

## [Unreleased]

- Greeting page.
- Timeouts: 30 s,
  configurable.
"""
UNTAGGED_AFTER = """\
# Changelog

## [Unreleased]

- Deploying section in the README.
- Greeting page.
- Timeouts: 60 s,
  configurable.
"""


def test_check_between_untagged_commits_shows_only_what_the_project_would_get(
    tmp_path: Path,
) -> None:
    """A template that never tagged a release (scaffold's own, from a checkout): the
    whole changelog is Unreleased; the project sees the entries added or changed since
    its version, not the ones it has."""
    template = tmp_path / "untagged"
    template.mkdir()
    git("init", "--quiet", "--initial-branch", "main", cwd=template)
    write_version(template, V1)
    (template / "CHANGELOG.md").write_text(UNTAGGED_BEFORE)
    commit_version(template, None, "first")
    project = tmp_path / "project"
    new_project(project, defaults=True, template=str(template))
    write_version(template, V2)
    (template / "CHANGELOG.md").write_text(UNTAGGED_AFTER)
    commit_version(template, None, "second")

    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == 1
    assert "## [Unreleased]" in result.stdout
    assert "- Deploying section in the README." in result.stdout
    assert "- Timeouts: 60 s,\n  configurable." in result.stdout  # changed: shown as it is now
    assert "Greeting page" not in result.stdout  # the project has it

    updated = runner.invoke(app, ["update", str(project), "--defaults"])
    assert updated.exit_code == 0, updated.stdout
    assert "- Deploying section in the README." in updated.stdout
    assert "Greeting page" not in updated.stdout


def test_changelog_between_leaves_out_what_the_project_has() -> None:
    known = (
        "## [Unreleased]\n\n- Deploying section in the README.\n\n## [1.0.0]\n\n- First release.\n"
    )
    text = changelog_between(CHANGELOG, "v1.0.0-1-gabcdef0", "v2.0.0", known)
    assert text == "## [2.0.0] - 2026-02-01\n\n- `make dev` reloads."
    assert changelog_between(CHANGELOG, "v2.0.0", "v2.0.0-1-gabcdef0", CHANGELOG) == ""


def test_diff_of_an_untouched_project(make_project: MakeProject) -> None:
    project = make_project()
    result = runner.invoke(app, ["diff", str(project), "--exit-code"])
    assert result.exit_code == 0, result.stdout
    assert "0 template files changed, 0 removed, 0 files of your own" in result.stdout


def test_diff_shows_edits_deletions_and_lists_own_files(make_project: MakeProject) -> None:
    def edits(project: Path) -> None:
        edit(project / "config.toml", "timeout = 30", "timeout = 10")
        (project / "notes.txt").unlink()
        (project / "src/demo_app/bookings.py").write_text("BOOKINGS = []\n")

    project = make_project(edits)
    edit(project / "Makefile", "lint:", "lint: # uncommitted")  # the work tree, as it is
    before = git_fingerprint(project)

    result = runner.invoke(app, ["diff", str(project), "--exit-code"])

    assert result.exit_code == 1
    out = result.stdout
    assert "-timeout = 30\n+timeout = 10" in out
    assert "+lint: # uncommitted" in out
    assert "deleted file mode 100644" in out
    assert "BOOKINGS" not in out  # your own files are counted, not shown
    assert "2 template files changed, 1 removed, 1 files of your own" in out
    assert git_fingerprint(project) == before

    library = diff_project(project)
    assert library.modified == ("Makefile", "config.toml")
    assert library.deleted == ("notes.txt",)
    assert library.added == ("src/demo_app/bookings.py",)


def test_diff_without_exit_code_exits_0(make_project: MakeProject) -> None:
    project = make_project(lambda p: edit(p / "config.toml", "timeout = 30", "timeout = 10"))
    assert runner.invoke(app, ["diff", str(project)]).exit_code == 0


def test_update_prints_the_changelog_of_what_it_brings(make_project: MakeProject) -> None:
    project = make_project()

    result = runner.invoke(app, ["update", str(project), "--defaults"])

    assert result.exit_code == 0, result.stdout
    out = result.stdout
    assert "Updated" in out
    assert "## [2.0.0] - 2026-02-01" in out
    assert "- Deploying section in the README." in out
    assert "First release" not in out
    assert "Unreleased" not in out
