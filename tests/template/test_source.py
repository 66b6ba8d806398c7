"""Where an update finds the template: the recorded `_src_path`, or the built-in template.

A path recorded on one machine (a scaffold checkout, or the wheel's per-version cache)
may not exist on the next one; the built-in template is then resolved to what this
installation carries, and the recorded value is left as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import scaffold
from scaffold import check_project, new_project, update_project
from scaffold.cli import app
from scaffold.project import keep_recorded_source
from scaffold.template import builtin
from tests.fake_templates import COPIER_YML, git
from tests.fixtures import commit_all, edit, git_fingerprint
from tools.template_bundle import build_template_bundle

runner = CliRunner()
MakeProject = Callable[..., Path]


def answers_of(project: Path) -> dict[str, object]:
    content = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(content, dict)
    return content


def record_source(project: Path, src: str) -> None:
    answers = project / ".copier-answers.yml"
    recorded = answers_of(project)["_src_path"]
    edit(answers, f"_src_path: {recorded}", f"_src_path: {src}")
    commit_all(project, "recorded elsewhere")


@pytest.fixture
def builtin_is(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, str], None]:
    def use(root: Path, ref: str) -> None:
        monkeypatch.setattr(builtin, "builtin_template", lambda: (root, ref))

    return use


@pytest.mark.parametrize(
    "recorded",
    [
        "/home/someone/.cache/scaffold/template-1.0.0",  # the wheel's cache, elsewhere
        "/home/someone/src/scaffold",  # someone's checkout of scaffold
    ],
)
def test_builtin_recorded_elsewhere_updates_from_this_installation(
    make_project: MakeProject,
    template: Path,
    builtin_is: Callable[[Path, str], None],
    recorded: str,
) -> None:
    project = make_project(lambda p: edit(p / "Makefile", "lint:", "lint:  # mine"))
    record_source(project, recorded)
    builtin_is(template, "v2.0.0")
    before = git_fingerprint(project)

    result = runner.invoke(app, ["update", str(project), "--defaults"])

    assert result.exit_code == 0, result.stderr
    answers = answers_of(project)
    assert answers["_src_path"] == recorded  # left as recorded
    assert answers["_commit"] == "v2.0.0"
    assert "lint:  # mine" in (project / "Makefile").read_text()
    assert "## Deploying" in (project / "README.md").read_text()
    assert f"  template: {recorded}" in result.stdout
    assert git_fingerprint(project) == before


def test_wheel_cache_of_this_machine_updates_to_this_installation(
    make_project: MakeProject,
    template: Path,
    builtin_is: Callable[[Path, str], None],
    tmp_path: Path,
) -> None:
    """An older cache that still exists here is not used: it lacks the newer version."""
    old_cache = tmp_path / "cache" / "scaffold" / "template-1.0.0"
    git("clone", "--quiet", "--branch", "v1.0.0", str(template), str(old_cache), cwd=tmp_path)
    git("tag", "-d", "v2.0.0", cwd=old_cache)
    project = make_project()
    record_source(project, str(old_cache))
    builtin_is(template, "v2.0.0")

    result = update_project(project, defaults=True)

    assert result.to_version == "v2.0.0"
    assert check_project(project).up_to_date


def test_unreachable_other_template_is_an_error(
    make_project: MakeProject, builtin_is: Callable[[Path, str], None], tmp_path: Path
) -> None:
    other = tmp_path / "other-template"
    other.mkdir()
    (other / "copier.yml").write_text("colour:\n  type: str\n  default: blue\n")
    git("init", "--quiet", cwd=other)
    git("add", "--all", cwd=other)
    git("commit", "--quiet", "-m", "x", cwd=other)
    git("tag", "v1.0.0", cwd=other)
    builtin_is(other, "v1.0.0")  # has v1.0.0, but does not ask our questions
    project = make_project()
    record_source(project, "/gone/agency-template")

    result = runner.invoke(app, ["update", str(project), "--defaults"])

    assert result.exit_code == 1
    assert "(/gone/agency-template) is not on this machine" in result.stderr
    assert runner.invoke(app, ["check", str(project)]).exit_code == 1


def test_installed_wheel_updates_offline_from_its_bundle(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wheel's data: copier.yml, template/ and the bundle of every release."""
    data = tmp_path / "site-packages" / "scaffold" / "_template_data"
    data.mkdir(parents=True)
    (data / "copier.yml").write_text(COPIER_YML)
    shutil.copytree(template / "template", data / "template")
    build_template_bundle(template, data / "template.bundle", "2.0.0")
    monkeypatch.setattr(builtin, "PACKAGED_TEMPLATE", data)
    monkeypatch.setattr(builtin, "checkout_template", lambda _package_dir: None)
    monkeypatch.setattr(scaffold._version, "__version__", "2.0.0")
    project = tmp_path / "app"
    new_project(project, defaults=True, vcs_ref="v1.0.0")
    recorded = answers_of(project)["_src_path"]
    assert recorded == str(builtin.cache_dir() / "template-2.0.0")
    shutil.rmtree(builtin.cache_dir())  # a fresh machine: nothing cached yet
    edit(project / "Makefile", "lint:", "lint:  # mine")
    commit_all(project, "mine")

    behind = check_project(project)
    result = update_project(project, defaults=True)

    assert (behind.current, behind.newest, behind.up_to_date) == ("v1.0.0", "v2.0.0", False)
    assert "Deploying section" in behind.changelog
    assert result.ok
    assert result.to_version == "v2.0.0"
    assert "lint:  # mine" in (project / "Makefile").read_text()
    assert "timeout = 60" in (project / "config.toml").read_text()
    assert answers_of(project)["_src_path"] == recorded


def test_keep_recorded_source_restores_the_lines_byte_for_byte(tmp_path: Path) -> None:
    rendered = tmp_path / ".copier-answers.yml"
    rendered.write_text("# header\n_commit: v2\n_src_path: /here/template\nname: x\n")
    recorded = (
        "# header\n_commit: v1\n_src_path: '/a very long path/that was folded'\n  continued\n"
        "name: x\n"
    )

    keep_recorded_source(rendered, recorded)

    assert rendered.read_text() == (
        "# header\n_commit: v2\n_src_path: '/a very long path/that was folded'\n  continued\n"
        "name: x\n"
    )
