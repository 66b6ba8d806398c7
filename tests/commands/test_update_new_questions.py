"""A question new in a version: new projects take its default, while projects generated
before it take the answer the template gives existing projects
(`_scaffold_existing_projects`), so an update adds no part their owner never chose."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from scaffold import new_project
from scaffold.cli import app
from tests.fake_templates import git

runner = CliRunner()

V1 = """\
_subdirectory: template
name:
  type: str
  default: shop
"""
V2 = (
    V1
    + """\
_scaffold_existing_projects:
  frontend: none
frontend:
  type: str
  default: react
  choices: [react, none]
"""
)
PAGES = "{% if frontend == 'react' %}pages{% endif %}/index.html"


def _version(root: Path, tag: str, copier_yml: str) -> None:
    (root / "copier.yml").write_text(copier_yml)
    git("add", "--all", cwd=root)
    git("commit", "--quiet", "-m", tag, cwd=root)
    git("tag", tag, cwd=root)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """v1.0.0 asks no frontend question; v2.0.0 adds it, default react."""
    root = tmp_path / "template"
    (root / "template" / "{% if frontend == 'react' %}pages{% endif %}").mkdir(parents=True)
    (root / "template" / "{{_copier_conf.answers_file}}.jinja").write_text(
        "{{ _copier_answers | to_nice_yaml -}}\n"
    )
    (root / "template" / "README.md.jinja").write_text("{{ name }}\n")
    (root / "template" / PAGES).write_text("<div id=root></div>\n")
    git("init", "--quiet", "--initial-branch", "main", cwd=root)
    _version(root, "v1.0.0", V1)
    _version(root, "v2.0.0", V2)
    return root


def _made_at_v1(template: Path, destination: Path) -> Path:
    new_project(destination, defaults=True, template=str(template), vcs_ref="v1.0.0")
    assert "frontend" not in yaml.safe_load((destination / ".copier-answers.yml").read_text())
    return destination


def _answers(project: Path) -> dict[str, object]:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(answers, dict)
    return answers


def test_an_update_gives_an_older_project_the_existing_projects_answer(
    template: Path, tmp_path: Path
) -> None:
    project = _made_at_v1(template, tmp_path / "project")

    result = runner.invoke(app, ["update", str(project), "--defaults"])

    assert result.exit_code == 0, result.stderr
    assert _answers(project)["frontend"] == "none"
    assert not (project / "pages").exists()


def test_data_opts_an_older_project_in(template: Path, tmp_path: Path) -> None:
    project = _made_at_v1(template, tmp_path / "project")

    result = runner.invoke(app, ["update", str(project), "--defaults", "--data", "frontend=react"])

    assert result.exit_code == 0, result.stderr
    assert _answers(project)["frontend"] == "react"
    assert (project / "pages" / "index.html").read_text() == "<div id=root></div>\n"


def test_a_new_project_takes_the_default(template: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    new_project(project, defaults=True, template=str(template), vcs_ref="v2.0.0")

    assert _answers(project)["frontend"] == "react"
    assert (project / "pages" / "index.html").is_file()


def test_a_recorded_answer_is_kept(template: Path, tmp_path: Path) -> None:
    """The existing projects' answer is for a missing answer only, never over a recorded one."""
    project = tmp_path / "project"
    new_project(project, defaults=True, template=str(template), vcs_ref="v2.0.0")
    _version(template, "v2.1.0", V2.replace("default: shop", "default: store"))

    result = runner.invoke(app, ["update", str(project), "--defaults"])

    assert result.exit_code == 0, result.stderr
    assert _answers(project)["frontend"] == "react"
    assert (project / "pages" / "index.html").is_file()
