"""What `scaffold update` refuses; a refused, failed or interrupted update changes nothing."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scaffold.merge.apply
from scaffold import ScaffoldError, UsageError, update_project
from scaffold.cli import app
from tests.fake_templates import git
from tests.fixtures import commit_all, edit, git_fingerprint, worktree

runner = CliRunner()
MakeProject = Callable[..., Path]


def snapshot(project: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    return worktree(project), git_fingerprint(project)


def test_dirty_tree_is_refused_and_named(make_project: MakeProject) -> None:
    project = make_project()
    edit(project / "config.toml", "timeout = 30", "timeout = 5")
    (project / "scratch.txt").write_text("not committed\n")
    before = snapshot(project)

    result = runner.invoke(app, ["update", str(project), "--defaults"])

    assert result.exit_code == 1
    assert "uncommitted changes (M config.toml, ?? scratch.txt)" in result.stderr
    assert snapshot(project) == before


def test_dirty_tree_is_refused_with_pretend_too(make_project: MakeProject) -> None:
    project = make_project()
    (project / "scratch.txt").write_text("not committed\n")
    result = runner.invoke(app, ["update", str(project), "--defaults", "--pretend"])
    assert result.exit_code == 1
    assert "?? scratch.txt" in result.stderr


def test_ignored_files_do_not_make_a_tree_dirty(make_project: MakeProject) -> None:
    project = make_project(lambda p: (p / ".gitignore").write_text(".env\n.venv/\n"))
    (project / ".env").write_text("SECRET_KEY=abc\n")
    (project / ".venv").mkdir()
    (project / ".venv/x.py").write_text("")
    result = runner.invoke(app, ["update", str(project), "--defaults"])
    assert result.exit_code == 0, result.stderr
    assert (project / ".env").read_text() == "SECRET_KEY=abc\n"
    assert (project / ".venv/x.py").is_file()


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failure_while_writing_restores_files_and_git(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    project = make_project(lambda p: edit(p / "config.toml", "timeout = 30", "timeout = 10"))
    before = snapshot(project)
    real_write = scaffold.merge.apply._write
    calls: list[Path] = []

    def failing_write(path: Path, mode: str, content: bytes) -> None:
        calls.append(path)
        if len(calls) == 4:  # after some files (and directories) were written
            raise failure
        real_write(path, mode, content)

    monkeypatch.setattr(scaffold.merge.apply, "_write", failing_write)

    result = runner.invoke(app, ["update", str(project), "--defaults"])

    assert len(calls) == 4
    if isinstance(failure, KeyboardInterrupt):
        assert result.exit_code == 130
    else:
        assert result.exit_code == 1
        assert "could not be written" in result.stderr
        assert "restored" in result.stderr
    assert snapshot(project) == before
    assert not (project / "src/demo_app/../../CHANGES.txt").exists()


def test_failure_before_writing_changes_nothing(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project()
    before = snapshot(project)

    def broken_merge(*_args: object, **_kwargs: object) -> None:
        raise ScaffoldError("merge exploded")

    monkeypatch.setattr("scaffold.commands.update.merge_update", broken_merge)
    with pytest.raises(ScaffoldError, match="merge exploded"):
        update_project(project, defaults=True)
    assert snapshot(project) == before


def test_pretend_shows_the_real_diff_and_changes_nothing(make_project: MakeProject) -> None:
    project = make_project(lambda p: edit(p / "config.toml", "timeout = 30", "timeout = 10"))
    before = snapshot(project)

    result = runner.invoke(app, ["update", str(project), "--defaults", "--pretend"])

    assert result.exit_code == 3  # the update would leave a conflict (a preview: no error)
    assert "error" not in result.stderr
    out = result.stdout
    assert "+## Deploying" in out
    assert "+<<<<<<< your-project" in out
    assert "rename from guide/oldname.md" in out
    assert "Would update" in out
    assert "Nothing was changed (--pretend)." in out
    assert "    config.toml" in out
    assert snapshot(project) == before


def test_pretend_patch_is_what_the_update_writes(make_project: MakeProject) -> None:
    project = make_project(lambda p: edit(p / "README.md", "Run it.", "Run it, mine."))
    patch = update_project(project, defaults=True, pretend=True).patch

    update_project(project, defaults=True)

    subprocess.run(["git", "add", "--all"], cwd=project, check=True)
    staged = subprocess.run(
        ["git", "diff", "--cached", "-M", "--binary"],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert staged == patch


def test_already_up_to_date(make_project: MakeProject) -> None:
    project = make_project(ref="v2.0.0")
    before = snapshot(project)
    result = runner.invoke(app, ["update", str(project), "--defaults"])
    assert result.exit_code == 0
    assert "is up to date" in result.stdout
    assert snapshot(project) == before


def test_not_a_scaffold_project(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    result = runner.invoke(app, ["update", str(tmp_path / "plain"), "--defaults"])
    assert result.exit_code == 2
    assert "not a project generated by scaffold or copier" in result.stderr


def test_not_a_git_repository(template: Path, tmp_path: Path) -> None:
    scaffold.new_project(tmp_path / "p", defaults=True, template=str(template), git=False)
    result = runner.invoke(app, ["update", str(tmp_path / "p"), "--defaults"])
    assert result.exit_code == 2
    assert "is not in a git repository" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--conflict", "rej"], "--conflict rej is not supported"),
        (["--vcs-ref", "v9.9.9"], "has no version 'v9.9.9'"),
        (["--data", "colour=blue"], "unknown question 'colour'"),
        (["--data", "novalue"], "--data takes KEY=VALUE"),
    ],
)
def test_bad_input_exits_2(make_project: MakeProject, args: list[str], message: str) -> None:
    project = make_project()
    before = snapshot(project)
    result = runner.invoke(app, ["update", str(project), "--defaults", *args])
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert snapshot(project) == before


def test_downgrade_is_refused(make_project: MakeProject) -> None:
    project = make_project(ref="v2.0.0")
    with pytest.raises(UsageError, match="downgrades are not supported"):
        update_project(project, defaults=True, vcs_ref="v1.0.0")


def test_questions_need_a_terminal_without_defaults(make_project: MakeProject) -> None:
    project = make_project()
    result = runner.invoke(app, ["update", str(project)])
    assert result.exit_code == 2
    assert "pass --defaults" in result.stderr


def test_recorded_version_missing_from_the_template(make_project: MakeProject) -> None:
    project = make_project()
    answers = project / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("_commit: v1.0.0", "_commit: v1.0.0-1-gdeadbee"))
    subprocess.run(["git", "commit", "-qam", "x"], cwd=project, check=True)
    result = runner.invoke(app, ["update", str(project), "--defaults"])
    assert result.exit_code == 1
    assert "the recorded template version 'v1.0.0-1-gdeadbee' is not in" in result.stderr


def test_project_in_a_subdirectory_of_a_repository(template: Path, tmp_path: Path) -> None:
    monorepo = tmp_path / "mono"
    monorepo.mkdir()
    git("init", "--quiet", cwd=monorepo)
    (monorepo / "other.txt").write_text("another team's file\n")
    project = monorepo / "apps" / "web"
    scaffold.new_project(
        project, defaults=True, template=str(template), vcs_ref="v1.0.0", git=False
    )
    edit(project / "config.toml", "timeout = 30", "timeout = 10")
    commit_all(monorepo, "monorepo")
    (monorepo / "other.txt").write_text("another team's work in progress\n")
    before = git_fingerprint(monorepo)

    result = update_project(project, defaults=True)

    assert result.conflicts == ("config.toml",)
    assert "## Deploying" in (project / "README.md").read_text()
    assert (project / "guide/newname.md").is_file()
    assert not (monorepo / "guide").exists()  # paths are the project's, not the repository's
    assert (monorepo / "other.txt").read_text() == "another team's work in progress\n"
    assert git_fingerprint(monorepo) == before
