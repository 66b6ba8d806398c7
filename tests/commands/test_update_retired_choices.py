"""An update to a version that no longer offers a recorded answer (a Python version the
template dropped) says so and changes nothing, unless the new answer is given."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from scaffold import new_project
from scaffold.cli import app
from tests.fake_templates import git
from tests.fixtures import git_fingerprint

runner = CliRunner()

COPIER_YML = """\
_subdirectory: template
python_version:
  type: str
  default: "{default}"
  choices: [{choices}]
"""


def _version(root: Path, tag: str, default: str, choices: str) -> None:
    (root / "copier.yml").write_text(COPIER_YML.format(default=default, choices=choices))
    (root / "template" / ".python-version.jinja").write_text("{{ python_version }}\n")
    git("add", "--all", cwd=root)
    git("commit", "--quiet", "-m", tag, cwd=root)
    git("tag", tag, cwd=root)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project made at v1.0.0 (Python 3.11 offered) of a template whose v2.0.0 drops 3.11."""
    template = tmp_path / "template"
    (template / "template").mkdir(parents=True)
    (template / "template" / "{{_copier_conf.answers_file}}.jinja").write_text(
        "{{ _copier_answers | to_nice_yaml -}}\n"
    )
    git("init", "--quiet", "--initial-branch", "main", cwd=template)
    _version(template, "v1.0.0", "3.11", '"3.11", "3.12"')
    made = tmp_path / "project"
    new_project(
        made,
        defaults=True,
        data={"python_version": "3.11"},
        template=str(template),
        vcs_ref="v1.0.0",
    )
    _version(template, "v2.0.0", "3.14", '"3.12", "3.13", "3.14"')
    return made


def test_a_retired_answer_is_refused_with_the_choices(project: Path) -> None:
    before = git_fingerprint(project)

    result = runner.invoke(app, ["update", str(project), "--defaults"])

    assert result.exit_code == 2
    assert (
        "the recorded answer python_version='3.11' is not offered by the template at v2.0.0 "
        "(choices: 3.12, 3.13, 3.14): pass --data python_version=<one of them>"
    ) in result.stderr
    assert git_fingerprint(project) == before


def test_the_new_answer_given_updates(project: Path) -> None:
    result = runner.invoke(
        app, ["update", str(project), "--defaults", "--data", "python_version=3.13"]
    )

    assert result.exit_code == 0, result.stderr
    assert "python_version: '3.11' -> '3.13'" in result.stdout
    assert (project / ".python-version").read_text() == "3.13\n"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["python_version"] == "3.13"
