"""The update path of this repository's own template, from an older version to a newer one.

The repository has no release tags yet, so both versions come from the work tree: a
clean snapshot tagged v0.1.0, then the same snapshot with a small change tagged
v0.2.0. Once releases are tagged, the older side becomes the previous real release.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold import new_project
from scaffold.cli import app
from tools.snapshot import snapshot_template

from ._templates import git
from .conftest import commit_all, git_fingerprint

REPO_ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def real_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = snapshot_template(REPO_ROOT, tmp_path_factory.mktemp("real") / "template", "0.1.0")
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\n## Updating\n\nRun `scaffold update`.\n")
    gitignore = repo / "template" / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "\n# Editors\n.idea/\n")
    git("add", "--all", cwd=repo)
    git("commit", "--quiet", "-m", "template 0.2.0", cwd=repo)
    git("tag", "v0.2.0", cwd=repo)
    return repo


def test_update_from_the_previous_version_of_the_real_template(
    real_template: Path, tmp_path: Path
) -> None:
    project = tmp_path / "shop"
    new_project(
        project,
        defaults=True,
        data={"project_name": "Shop"},
        template=str(real_template),
        vcs_ref="v0.1.0",
    )
    main = project / "src" / "shop" / "main.py"
    main.write_text(main.read_text() + "\n# My own line at the end of main.py.\n")
    readme = project / "README.md"
    readme.write_text("Internal: see the wiki.\n\n" + readme.read_text())
    (project / "src" / "shop" / "invoices").mkdir()
    (project / "src" / "shop" / "invoices" / "__init__.py").write_text('"""Invoices."""\n')
    commit_all(project, "my changes")
    before = git_fingerprint(project)

    result = runner.invoke(app, ["update", str(project), "--defaults"])

    assert result.exit_code == 0, result.stdout + result.stderr
    assert "from v0.1.0 to v0.2.0" in result.stdout
    assert main.read_text().endswith("\n# My own line at the end of main.py.\n")
    text = readme.read_text()
    assert text.startswith("Internal: see the wiki.\n")
    assert text.endswith("\n## Updating\n\nRun `scaffold update`.\n")
    assert ".idea/" in (project / ".gitignore").read_text()
    assert (project / "src/shop/invoices/__init__.py").read_text() == '"""Invoices."""\n'
    assert (project / ".env").is_file()  # git-ignored secrets are left alone
    assert "_commit: v0.2.0" in (project / ".copier-answers.yml").read_text()
    assert git_fingerprint(project) == before
    assert runner.invoke(app, ["check", str(project)]).exit_code == 0
    assert runner.invoke(app, ["diff", str(project)]).exit_code == 0
