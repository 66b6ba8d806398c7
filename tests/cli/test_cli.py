"""The `scaffold` command through typer's CliRunner: output, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scaffold.commands.new
from scaffold.cli import app
from tests.fake_templates import make_template

runner = CliRunner()


def tree(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("new", "update", "check", "diff"):
        assert f"  {command} " in result.stdout


def test_new_help_documents_the_options() -> None:
    result = runner.invoke(app, ["new", "--help"])
    assert result.exit_code == 0
    for option in ("--defaults", "--data", "--preset", "--template", "--vcs-ref", "--no-git"):
        assert option in result.stdout


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"scaffold {scaffold.__version__}\n"


def test_help_does_not_import_the_slow_libraries() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['scaffold', '--help']\n"
        "from scaffold.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "slow = ('copier', 'jinja2', 'rich', 'pydantic', 'yaml', 'scaffold.commands.new',\n"
        "        'scaffold.commands.update', 'scaffold.commands.check', 'scaffold.commands.diff')\n"
        "slow = [m for m in slow if m in sys.modules]\n"
        "print(','.join(slow), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == ""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def _bad_input_cases(template: Path, work: Path) -> dict[str, list[str]]:
    (work / "occupied").mkdir()
    (work / "occupied" / "keep.txt").write_text("mine\n")
    (work / "a-file").write_text("not a directory\n")
    (work / "list-preset.yml").write_text("- project_name\n")
    (work / "broken-preset.yml").write_text("project_name: [unclosed\n")
    (work / "unknown-preset.yml").write_text("colour: blue\n")
    (work / "invalid-preset.yml").write_text("package_name: Not-An-Identifier\n")
    new = ["new", "--template", str(template)]
    return {
        "invalid answer": [*new, "p", "--defaults", "--data", "project_name=1 starts with digit"],
        "invalid choice": [*new, "p", "--defaults", "--data", "python_version=2.7"],
        "unknown --data key": [*new, "p", "--defaults", "--data", "colour=blue"],
        "computed question": [*new, "p", "--defaults", "--data", "computed_slug=x"],
        "malformed --data": [*new, "p", "--defaults", "--data", "project_name"],
        "empty --data key": [*new, "p", "--defaults", "--data", "=x"],
        "non-empty PATH": [*new, "occupied", "--defaults"],
        "PATH is a file": [*new, "a-file", "--defaults"],
        "parent is a file": [*new, "a-file/p", "--defaults"],
        # Looks writable (to root), yet nothing can be made there.
        "PATH under /proc": [*new, "/proc/no-such-project", "--defaults"],
        "no TTY without --defaults": [*new, "p"],
        "preset is a list": [*new, "p", "--defaults", "--preset", "list-preset.yml"],
        "preset is broken YAML": [*new, "p", "--defaults", "--preset", "broken-preset.yml"],
        "preset missing": [*new, "p", "--defaults", "--preset", "missing.yml"],
        "preset unknown key": [*new, "p", "--defaults", "--preset", "unknown-preset.yml"],
        "preset invalid value": [*new, "p", "--defaults", "--preset", "invalid-preset.yml"],
        "template missing": ["new", "p", "--defaults", "--template", "no-such-template"],
        "unknown template version": [*new, "p", "--defaults", "--vcs-ref", "v9.9.9"],
    }


BAD_INPUTS = [
    "invalid answer",
    "invalid choice",
    "unknown --data key",
    "computed question",
    "malformed --data",
    "empty --data key",
    "non-empty PATH",
    "PATH is a file",
    "parent is a file",
    "PATH under /proc",
    "no TTY without --defaults",
    "preset is a list",
    "preset is broken YAML",
    "preset missing",
    "preset unknown key",
    "preset invalid value",
    "template missing",
    "unknown template version",
]


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    case: str, fake_template: Path, workdir: Path, isolated_env: Path
) -> None:
    args = _bad_input_cases(fake_template, workdir)[case]
    before, home_before = tree(workdir), tree(isolated_env)

    result = runner.invoke(app, args)

    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    assert tree(workdir) == before
    assert tree(isolated_env) == home_before


def test_unknown_key_error_lists_the_questions(fake_template: Path, workdir: Path) -> None:
    result = runner.invoke(
        app, ["new", "p", "--defaults", "--template", str(fake_template), "--data", "colour=x"]
    )
    assert result.stderr == (
        "error: --data: unknown question 'colour'; the template asks: author_email, "
        "author_name, package_name, project_name, python_version\n"
    )


def test_invalid_answer_names_the_question(fake_template: Path, workdir: Path) -> None:
    result = runner.invoke(
        app,
        ["new", "p", "--defaults", "--template", str(fake_template), "-d", "package_name=X-y"],
    )
    assert result.stderr == (
        "error: invalid answer for 'package_name': must be a lowercase identifier\n"
    )


def test_success_prints_a_summary(fake_template: Path, workdir: Path) -> None:
    result = runner.invoke(app, ["new", "my app", "--defaults", "--template", str(fake_template)])

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        f"Created {workdir / 'my app'}\n"
        f"  template: {fake_template} @ v1.0.0\n"
        "  .env: fresh secrets written (git-ignored, never committed)\n"
        "  git: first commit on branch main\n"
        "Next: cd 'my app' && make dev\n"
    )


def test_operation_failure_exits_1(
    fake_template: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(workdir))  # no git anywhere
    result = runner.invoke(app, ["new", "p", "--defaults", "--template", str(fake_template)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: git is not installed")
    assert len(result.stderr.splitlines()) == 1
    assert not (workdir / "p").exists()


def test_debug_shows_the_traceback(fake_template: Path, workdir: Path) -> None:
    args = ["new", "p", "--defaults", "--template", str(fake_template), "-d", "bad", "--debug"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert result.stderr.splitlines()[-1] == "error: --data takes KEY=VALUE, got 'bad'"


def test_ctrl_c_exits_130(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(scaffold.commands.new, "new_project", interrupted)
    result = runner.invoke(app, ["new", "p", "--defaults"])
    assert result.exit_code == 130
    assert result.stderr == "aborted: nothing was left behind\n"


def test_dirty_template_warns_in_one_line(tmp_path: Path, workdir: Path) -> None:
    template = make_template(tmp_path / "dirty-template", tag=None)
    (template / "template" / "README.md.jinja").write_text("# {{ project_name }} (draft)\n")

    result = runner.invoke(app, ["new", "p", "--defaults", "--template", str(template)])

    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("warning: the template repository has uncommitted")
    assert len(result.stderr.splitlines()) == 1
    assert (workdir / "p" / "README.md").read_text() == "# Demo App (draft)\n"
