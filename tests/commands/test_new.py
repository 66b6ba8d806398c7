"""`new_project`, called as a library: what it writes, records, commits and undoes."""

from __future__ import annotations

import importlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import scaffold
import scaffold.template.render
from scaffold import GitError, NewProjectResult, ScaffoldError, UsageError, new_project
from scaffold.template.questions import installed_python
from tests.fake_templates import make_template


def git_out(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def answers_of(project: Path) -> dict[str, Any]:
    content = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(content, dict)
    return content


def env_values(project: Path) -> dict[str, str]:
    lines = (project / ".env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_new_project_with_git(fake_template: Path, tmp_path: Path) -> None:
    result = new_project(
        tmp_path / "app",
        defaults=True,
        data={"project_name": "Shop Front"},
        template=str(fake_template),
    )

    project = tmp_path / "app"
    assert result == NewProjectResult(
        path=project,
        template=str(fake_template),
        template_version="v1.0.0",
        env_file=project / ".env",
        git_branch="main",
    )
    assert (project / "shop_front" / "__init__.py").is_file()
    tracked = git_out("ls-files", cwd=project).split()
    assert ".env.example" in tracked
    assert ".copier-answers.yml" in tracked
    assert ".env" not in tracked
    assert git_out("status", "--porcelain", cwd=project) == ""
    assert "scaffold" not in (project / ".git" / "info" / "exclude").read_text()  # .gitignore did
    assert git_out("log", "--format=%s", cwd=project) == (
        f"Initial commit from scaffold {scaffold.__version__}\n"
    )
    assert git_out("log", "--format=%an <%ae>", cwd=project) == "Test User <test@example.com>\n"


def test_new_project_without_git(fake_template: Path, tmp_path: Path) -> None:
    result = new_project(tmp_path / "app", defaults=True, template=str(fake_template), git=False)

    assert result.git_branch is None
    assert not (tmp_path / "app" / ".git").exists()
    # The fake template offers 3.11 and 3.12 (default 3.12): the newest one installed wins
    # (tests/template/test_model.py tests how they are found).
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    expected = "3.11" if running == "3.11" and not installed_python("3.12") else "3.12"
    assert answers_of(tmp_path / "app")["python_version"] == expected
    assert (tmp_path / "app" / "README.md").read_text() == "# Demo App\n\nPackage demo_app.\n"


def test_answers_file_records_an_absolute_source_and_commit(
    fake_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(fake_template.parent)
    new_project(tmp_path / "app", defaults=True, template=f"./{fake_template.name}", git=False)

    answers = answers_of(tmp_path / "app")
    assert answers["_src_path"] == str(fake_template)
    assert Path(answers["_src_path"]).is_absolute()
    assert answers["_commit"] == "v1.0.0"


def test_env_file_gets_fresh_distinct_secrets_and_mode_0600(
    fake_template: Path, tmp_path: Path
) -> None:
    first = new_project(tmp_path / "one", defaults=True, template=str(fake_template), git=False)
    second = new_project(tmp_path / "two", defaults=True, template=str(fake_template), git=False)

    assert first.env_file is not None
    assert second.env_file is not None
    assert stat.S_IMODE(first.env_file.stat().st_mode) == 0o600
    one, two = env_values(tmp_path / "one"), env_values(tmp_path / "two")
    secrets = [one["SECRET_KEY"], one["STRIPE_WEBHOOK_SECRET"], two["SECRET_KEY"]]
    assert len(set(secrets)) == 3
    assert all(len(secret) >= 64 and secret != "change-me" for secret in secrets)
    # Everything that is not a `KEY=change-me` line is copied verbatim.
    example = (tmp_path / "one" / ".env.example").read_text().splitlines()
    env = (tmp_path / "one" / ".env").read_text().splitlines()
    assert [line for line in env if "SECRET" not in line] == [
        line for line in example if "SECRET" not in line
    ]
    assert "NOT_A_SECRET=change-me-later" in env
    # No secret may reach the answers file (committed with the project).
    answers_text = (tmp_path / "one" / ".copier-answers.yml").read_text()
    assert not any(secret in answers_text for secret in secrets)


def test_no_env_example_means_no_env(tmp_path: Path) -> None:
    template = tmp_path / "plain-template"  # not a git repository
    (template / "template").mkdir(parents=True)
    (template / "copier.yml").write_text("_subdirectory: template\nname: {default: x}\n")
    (template / "template" / "README.md.jinja").write_text("# {{ name }}\n")

    result = new_project(tmp_path / "app", defaults=True, template=str(template), git=False)

    assert result.env_file is None
    assert result.template_version is None  # not a git template
    assert not (tmp_path / "app" / ".env").exists()


def test_env_is_never_committed_even_if_the_template_forgets(tmp_path: Path) -> None:
    template = tmp_path / "careless-template"  # no .gitignore at all
    (template / "template").mkdir(parents=True)
    (template / "copier.yml").write_text("_subdirectory: template\nname: {default: x}\n")
    (template / "template" / ".env.example").write_text("SECRET_KEY=change-me\n")

    new_project(tmp_path / "app", defaults=True, template=str(template))

    assert git_out("ls-files", cwd=tmp_path / "app").split() == [".env.example"]
    assert git_out("status", "--porcelain", cwd=tmp_path / "app") == ""


def test_preset_answers_and_data_wins(fake_template: Path, tmp_path: Path) -> None:
    preset = tmp_path / "agency.yml"
    preset.write_text("author_name: Acme Agency\nproject_name: From Preset\n")

    new_project(
        tmp_path / "app",
        defaults=True,
        preset=preset,
        data={"project_name": "From Data"},
        template=str(fake_template),
        git=False,
    )

    answers = answers_of(tmp_path / "app")
    assert answers["author_name"] == "Acme Agency"
    assert answers["project_name"] == "From Data"


def test_existing_empty_directory_is_used(fake_template: Path, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    new_project(tmp_path / "app", defaults=True, template=str(fake_template), git=False)
    assert (tmp_path / "app" / "README.md").is_file()


def test_unwritable_parent_is_refused(
    fake_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # root may write anywhere, so the permission check itself is simulated.
    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)
    with pytest.raises(UsageError, match="is not writable"):
        new_project(tmp_path / "app", defaults=True, template=str(fake_template))
    assert not (tmp_path / "app").exists()


def test_no_git_identity_uses_the_answers(
    fake_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("EMAIL", "")  # git would otherwise guess an identity from it

    new_project(
        tmp_path / "app",
        defaults=True,
        data={"author_name": "Grace Author", "author_email": "grace@example.org"},
        template=str(fake_template),
    )

    project = tmp_path / "app"
    assert git_out("log", "--format=%an <%ae>", cwd=project) == "Grace Author <grace@example.org>\n"
    persisted = subprocess.run(["git", "config", "--get-regexp", "^user"], cwd=project, check=False)
    assert persisted.returncode == 1  # the identity was used for this commit only


def test_git_settings_default_branch_and_gpgsign(
    fake_template: Path, tmp_path: Path, isolated_env: Path
) -> None:
    with (isolated_env / ".gitconfig").open("a") as config:
        config.write("[init]\n\tdefaultBranch = trunk\n")
        config.write("[commit]\n\tgpgsign = true\n[gpg]\n\tprogram = false\n")

    result = new_project(tmp_path / "app", defaults=True, template=str(fake_template))

    assert result.git_branch == "trunk"
    assert git_out("branch", "--show-current", cwd=tmp_path / "app") == "trunk\n"


def _failing_git_commit(bin_dir: Path) -> None:
    real_git = shutil.which("git")
    assert real_git is not None
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        '  if [ "$arg" = commit ]; then echo "fatal: simulated commit failure" >&2; exit 128; fi\n'
        "done\n"
        f'exec {real_git} "$@"\n'
    )
    fake.chmod(0o755)


@pytest.mark.parametrize("existing", [False, True], ids=["new-dir", "existing-empty-dir"])
def test_git_failure_removes_everything(
    existing: bool, fake_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_git_commit(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "parent" / "app"
    if existing:
        target.mkdir(parents=True)

    with pytest.raises(GitError, match="git commit failed: fatal: simulated commit failure"):
        new_project(target, defaults=True, template=str(fake_template))

    if existing:
        assert target.is_dir()
        assert list(target.iterdir()) == []
    else:
        assert not (tmp_path / "parent").exists()  # the parent we created goes too


# copier's directory walk (a generator over os.scandir) is left open when rendering is
# interrupted; it is closed by the garbage collector with a ResourceWarning.
@pytest.mark.filterwarnings("ignore:unclosed scandir iterator:ResourceWarning")
def test_ctrl_c_mid_render_removes_everything(
    fake_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Interrupt copier's private per-file render after two files were written.
    worker_class = importlib.import_module("copier._main").Worker
    render_file = worker_class._render_file
    rendered: list[object] = []

    def render_then_interrupt(self: object, *args: Any, **kwargs: Any) -> None:
        render_file(self, *args, **kwargs)
        rendered.append(args)
        if len(rendered) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(worker_class, "_render_file", render_then_interrupt)

    with pytest.raises(KeyboardInterrupt):
        new_project(tmp_path / "app", defaults=True, template=str(fake_template))

    assert len(rendered) == 2  # files had been written when the interrupt came
    assert not (tmp_path / "app").exists()


def test_missing_git_is_refused_before_writing(
    fake_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError, match="git is not installed"):
        new_project(tmp_path / "app", defaults=True, template=str(fake_template))
    assert not (tmp_path / "app").exists()


def test_no_tty_without_defaults_is_refused(fake_template: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="pass --defaults"):
        new_project(tmp_path / "app", template=str(fake_template))
    assert not (tmp_path / "app").exists()


def test_template_version_can_be_picked(tmp_path: Path) -> None:
    template = make_template(tmp_path / "template", tag="v1.0.0")
    (template / "template" / "CHANGELOG.md").write_text("2.0\n")
    subprocess.run(["git", "add", "-A"], cwd=template, check=True)
    subprocess.run(["git", "commit", "-qm", "two"], cwd=template, check=True)
    subprocess.run(["git", "tag", "v2.0.0"], cwd=template, check=True)

    latest = new_project(tmp_path / "latest", defaults=True, template=str(template), git=False)
    pinned = new_project(
        tmp_path / "pinned", defaults=True, template=str(template), vcs_ref="v1.0.0", git=False
    )

    assert latest.template_version == "v2.0.0"
    assert (tmp_path / "latest" / "CHANGELOG.md").is_file()
    assert pinned.template_version == "v1.0.0"
    assert not (tmp_path / "pinned" / "CHANGELOG.md").exists()


def test_git_bundle_template_is_read_like_a_remote(fake_template: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "template.bundle"
    subprocess.run(
        ["git", "bundle", "create", str(bundle), "--all"],
        cwd=fake_template,
        check=True,
        capture_output=True,
    )

    result = new_project(tmp_path / "app", defaults=True, template=str(bundle), git=False)

    assert result.template_version == "v1.0.0"
    assert answers_of(tmp_path / "app")["_src_path"] == str(bundle)
    with pytest.raises(UsageError, match="unknown question 'colour'"):
        new_project(tmp_path / "other", defaults=True, data={"colour": "x"}, template=str(bundle))


def test_dirty_template_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    template = make_template(tmp_path / "template", tag=None)
    (template / "template" / "NEW.md").write_text("draft\n")

    result = new_project(tmp_path / "app", defaults=True, template=str(template), git=False)

    assert result.warnings == (scaffold.template.render.DIRTY_TEMPLATE_WARNING,)
    assert (tmp_path / "app" / "NEW.md").is_file()


def test_errors_share_one_root() -> None:
    assert issubclass(UsageError, ScaffoldError)
    assert issubclass(GitError, ScaffoldError)
    assert UsageError("x").exit_code == 2
    assert GitError("x").exit_code == 1
    assert str(ScaffoldError("two\n  lines")) == "two lines"
