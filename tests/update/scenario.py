"""One update scenario: a two-version template made for the test, a project from its first
version with the owner's committed edits, then `scaffold update` through the CLI.

Each scenario states the template's two versions and the owner's edit in a few lines, so a
test reads as the case it proves; the results are compared byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from scaffold import new_project
from scaffold.cli import app
from tests.fake_templates import ANSWERS, git
from tests.fixtures import commit_all

NAME_YML = """\
_subdirectory: template
_answers_file: .copier-answers.yml

name:
  type: str
  default: demo
"""

ANSWERS_FILE = "{{_copier_conf.answers_file}}.jinja"

Files = Mapping[str, str | bytes]


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def write_files(root: Path, files: Files) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def make_template(root: Path, v1: Files, v2: Files, copier_yml: str = NAME_YML) -> Path:
    """A template repository tagged v1.0.0 and v2.0.0 with these files (and the answers
    file); names ending `.jinja` are rendered, as copier does."""
    root.mkdir(parents=True)
    git("init", "--quiet", "--initial-branch", "main", cwd=root)
    for tag, files in (("v1.0.0", v1), ("v2.0.0", v2)):
        for old in sorted((root / "template").rglob("*"), reverse=True):
            if old.is_file():
                old.unlink()
            else:
                old.rmdir()
        (root / "copier.yml").write_text(copier_yml)
        write_files(root / "template", {ANSWERS_FILE: ANSWERS, **files})
        git("add", "--all", cwd=root)
        git("commit", "--quiet", "--allow-empty", "-m", f"template {tag}", cwd=root)
        git("tag", tag, cwd=root)
    return root


def make_project(
    tmp_path: Path,
    v1: Files,
    v2: Files,
    owner: Callable[[Path], object] | None = None,
    copier_yml: str = NAME_YML,
) -> Path:
    """A project generated from v1.0.0 and committed, with `owner`'s edits committed."""
    template = make_template(tmp_path / "template", v1, v2, copier_yml)
    project = tmp_path / "project"
    new_project(project, defaults=True, template=str(template), vcs_ref="v1.0.0")
    if owner is not None:
        owner(project)
        commit_all(project, "the owner's work")
    return project


def update(project: Path, *args: str) -> Outcome:
    result = CliRunner().invoke(app, ["update", str(project), "--defaults", *args])
    return Outcome(result.exit_code, result.stdout, result.stderr)
