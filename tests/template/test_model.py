"""Template sources: URLs, the built-in template (checkout and wheel), questions, `.env`."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

import scaffold
from scaffold import new_project
from scaffold.env_file import fill_secrets
from scaffold.errors import TemplateError, UsageError
from scaffold.template import builtin, model
from scaffold.template.builtin import checkout_template, materialise_packaged_template
from scaffold.template.model import Template, remote_git_url
from scaffold.template.questions import newest_python_default, read_questions
from scaffold.template.source import resolve_template
from tests.fake_templates import FAKE_COPIER_YML, FAKE_FILES, git, make_template
from tools.template_bundle import build_template_bundle


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("gh:acme/template", "https://github.com/acme/template.git"),
        ("gl:acme/template.git", "https://gitlab.com/acme/template.git"),
        ("git@github.com:acme/template.git", "git@github.com:acme/template.git"),
        ("git+https://example.com/template", "https://example.com/template.git"),
        ("https://github.com/acme/template", "https://github.com/acme/template.git"),
        ("https://example.com/acme/template.git", "https://example.com/acme/template.git"),
        ("./templates/mine", None),
        ("https://example.com/not-git", None),  # copier would not treat this as git either
    ],
)
def test_remote_git_url(src: str, url: str | None) -> None:
    assert remote_git_url(src) == url


def test_remote_source_passes_through_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "latest_version_tag", lambda _url: "v3.1.0")
    assert resolve_template("gh:acme/template", None) == (Template("gh:acme/template"), "v3.1.0")
    assert resolve_template("gh:acme/template", "main")[1] == "main"


def test_plain_directory_refuses_a_vcs_ref(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text("name: x\n")
    with pytest.raises(UsageError, match="--vcs-ref needs a git template"):
        resolve_template(str(tmp_path), "v1")


def test_directory_without_copier_yml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a copier template"):
        resolve_template(str(tmp_path), None)


def _fake_checkout(root: Path) -> Path:
    """A repository laid out like scaffold's own: copier.yml, template/, src/scaffold/."""
    (root / "src" / "scaffold").mkdir(parents=True)
    (root / "src" / "scaffold" / "__init__.py").write_text("")
    (root / "copier.yml").write_text(FAKE_COPIER_YML)
    for name, content in FAKE_FILES.items():
        path = root / "template" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root / "src" / "scaffold"


def test_checkout_template_is_the_repository_root(tmp_path: Path) -> None:
    package_dir = _fake_checkout(tmp_path / "repo")
    assert checkout_template(package_dir) is None  # not a git repository yet

    git("init", "--quiet", cwd=tmp_path / "repo")
    assert checkout_template(package_dir) == tmp_path / "repo"


def test_builtin_from_a_checkout_renders_its_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package_dir = _fake_checkout(tmp_path / "repo")
    git("init", "--quiet", cwd=tmp_path / "repo")
    git("add", "--all", cwd=tmp_path / "repo")
    git("commit", "--quiet", "-m", "one", cwd=tmp_path / "repo")
    git("tag", "v0.9.0", cwd=tmp_path / "repo")
    (tmp_path / "repo" / "template" / "AFTER_TAG.md").write_text("newer than the tag\n")
    git("add", "--all", cwd=tmp_path / "repo")
    git("commit", "--quiet", "-m", "two", cwd=tmp_path / "repo")
    monkeypatch.setattr(builtin, "PACKAGE_DIR", package_dir)

    source, ref = resolve_template(None, None)
    assert (source.src, source.repo, source.builtin, ref) == (
        str(tmp_path / "repo"),
        tmp_path / "repo",
        True,
        "HEAD",
    )
    result = new_project(tmp_path / "app", defaults=True, git=False)

    # HEAD, not the newest tag: the template of the code that runs.
    assert (tmp_path / "app" / "AFTER_TAG.md").is_file()
    assert result.template_version is not None
    assert result.template_version.startswith("v0.9.0-1-g")
    answers = yaml.safe_load((tmp_path / "app" / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(tmp_path / "repo")


def _fake_wheel_data(root: Path) -> Path:
    (root / "template").mkdir(parents=True)
    (root / "copier.yml").write_text(FAKE_COPIER_YML)
    for name, content in FAKE_FILES.items():
        path = root / "template" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def test_materialise_packaged_template(tmp_path: Path) -> None:
    data = _fake_wheel_data(tmp_path / "site-packages" / "scaffold" / "_template_data")
    cache = tmp_path / "cache"

    repo = materialise_packaged_template(data, cache, "1.2.3")

    assert repo == cache / "template-1.2.3"
    assert git("describe", "--tags", cwd=repo) == "v1.2.3\n"
    assert git("status", "--porcelain", cwd=repo) == ""
    assert (repo / "template" / ".env.example").is_file()
    assert sorted(path.name for path in cache.iterdir()) == ["template-1.2.3"]  # no staging left
    # Reused as is afterwards.
    marker = repo / ".git" / "reused"
    marker.write_text("")
    assert materialise_packaged_template(data, cache, "1.2.3") == repo
    assert marker.exists()


def test_materialise_replaces_a_broken_cache(tmp_path: Path) -> None:
    data = _fake_wheel_data(tmp_path / "data")
    broken = tmp_path / "cache" / "template-1.2.3"
    broken.mkdir(parents=True)
    (broken / "half-copied").write_text("")

    repo = materialise_packaged_template(data, tmp_path / "cache", "1.2.3")

    assert not (repo / "half-copied").exists()
    assert git("tag", cwd=repo) == "v1.2.3\n"


def test_materialise_reports_an_unusable_cache(tmp_path: Path) -> None:
    data = _fake_wheel_data(tmp_path / "data")
    (tmp_path / "cache").write_text("a file where the cache should be")
    with pytest.raises(TemplateError, match="cannot create the template cache"):
        materialise_packaged_template(data, tmp_path / "cache", "1.2.3")


def test_builtin_from_a_wheel_uses_the_versioned_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    installed = tmp_path / "site-packages" / "scaffold"
    installed.mkdir(parents=True)
    data = _fake_wheel_data(installed / "_template_data")
    monkeypatch.setattr(builtin, "PACKAGE_DIR", installed)
    monkeypatch.setattr(builtin, "PACKAGED_TEMPLATE", data)

    result = new_project(tmp_path / "app", defaults=True, git=False)

    cached = isolated_env / ".cache" / "scaffold" / f"template-{scaffold.__version__}"
    assert result.template == str(cached)
    assert result.template_version == f"v{scaffold.__version__}"
    answers = yaml.safe_load((tmp_path / "app" / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(cached)
    assert answers["_commit"] == f"v{scaffold.__version__}"


def test_builtin_missing_is_a_template_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builtin, "PACKAGE_DIR", tmp_path / "a" / "b")
    monkeypatch.setattr(builtin, "PACKAGED_TEMPLATE", tmp_path / "nothing")
    with pytest.raises(TemplateError, match="built-in template is missing"):
        resolve_template(None, None)


def test_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert builtin.cache_dir() == Path("/somewhere/cache/scaffold")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert builtin.cache_dir() == isolated_env / ".cache" / "scaffold"


def test_questions_skip_settings_and_computed_values() -> None:
    questions = read_questions(FAKE_COPIER_YML, "copier.yml")
    assert questions is not None
    assert set(questions) == {
        "project_name",
        "package_name",
        "author_name",
        "author_email",
        "python_version",
    }


def test_questions_across_documents_and_includes() -> None:
    assert read_questions("a: 1\n---\nb: {type: str}\n_x: 2\n", "t") == {
        "a": 1,
        "b": {"type": "str"},
    }
    # Questions in included files cannot be known here: copier judges the keys.
    assert read_questions("a: 1\n---\n!include shared.yml\n", "t") is None
    with pytest.raises(TemplateError, match="cannot read the questions in t"):
        read_questions("a: [unclosed\n", "t")
    with pytest.raises(TemplateError, match="not a YAML mapping"):
        read_questions("- a\n", "t")


def test_real_copier_yml_questions() -> None:
    """The repository's own copier.yml parses, and offers no computed or settings keys."""
    questions = read_questions((Path(__file__).parents[2] / "copier.yml").read_text(), "copier.yml")
    assert questions
    assert not any(name.startswith("_") for name in questions)
    assert "reserved_package_names" not in questions  # computed (`when: false`)


RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture
def no_other_pythons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Empty pyenv and uv install dirs, and a PATH of one empty folder; returns that folder."""
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "uv-pythons"))
    path = tmp_path / "bin"
    path.mkdir()
    monkeypatch.setenv("PATH", str(path))
    return path


def _executable(path: Path, script: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        ([RUNNING, "9.99"], {"python_version": RUNNING}),
        ({"Current": RUNNING}, {"python_version": RUNNING}),
        (["9.98", "9.99"], {}),
        (["not-a-version"], {}),
        (None, {}),
    ],
)
@pytest.mark.usefixtures("no_other_pythons")
def test_the_running_python_is_found(choices: object, expected: dict[str, str]) -> None:
    assert newest_python_default({"python_version": {"choices": choices}}) == expected
    assert newest_python_default(None) == {}


def test_the_newest_offered_python_the_machine_has_is_the_default(
    tmp_path: Path, no_other_pythons: Path
) -> None:
    offered = {"python_version": {"choices": [RUNNING, "9.97", "9.98", "9.99"]}}
    _executable(tmp_path / "pyenv/versions/9.97.2/bin/python9.97", "exit 0")
    assert newest_python_default(offered) == {"python_version": "9.97"}
    _executable(tmp_path / "uv-pythons/cpython-9.98.0-linux/bin/python9.98", "exit 0")
    assert newest_python_default(offered) == {"python_version": "9.98"}
    # One on PATH counts when it runs and is that version.
    _executable(no_other_pythons / "python9.99", "echo 9.98")
    assert newest_python_default(offered) == {"python_version": "9.98"}
    _executable(no_other_pythons / "python9.99", "echo 9.99")
    assert newest_python_default(offered) == {"python_version": "9.99"}


def test_a_pyenv_shim_alone_is_not_an_installed_python(
    tmp_path: Path, no_other_pythons: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyenv puts a shim on PATH for every version it has; the version's folder decides."""
    ran = tmp_path / "shim-ran"
    shims = tmp_path / "pyenv" / "shims"
    _executable(shims / "python9.99", f"touch {ran}; echo 9.99")
    monkeypatch.setenv("PATH", f"{shims}:{no_other_pythons}")
    assert newest_python_default({"python_version": {"choices": ["9.99"]}}) == {}
    assert not ran.exists()


@pytest.mark.parametrize(
    ("example", "kept"),
    [
        ("A=1\r\nSECRET_KEY=change-me\r\n", ["A=1\r\n"]),
        ("SECRET_KEY=change-me", []),
        ("SECRET_KEY= change-me \n", []),
        ("# SECRET_KEY=change-me\nX=change-me-not\nY='change-me'\n=change-me\n", None),
    ],
)
def test_fill_secrets(example: str, kept: list[str] | None) -> None:
    filled = fill_secrets(example)
    if kept is None:  # nothing to replace
        assert filled == example
        return
    lines = filled.splitlines(keepends=True)
    assert lines[: len(kept)] == kept
    secret_line = lines[len(kept)]
    assert secret_line.startswith("SECRET_KEY=")
    assert "change-me" not in secret_line
    assert secret_line.endswith(example[len(example.rstrip("\r\n")) :])


def test_shipped_wheel_data_matches_the_build_config() -> None:
    """pyproject force-includes what builtin_template() looks for."""
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    include: dict[str, Any] = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"][
        "force-include"
    ]
    assert include == {
        "copier.yml": "scaffold/_template_data/copier.yml",
        "template": "scaffold/_template_data/template",
        "CHANGELOG.md": "scaffold/_template_data/CHANGELOG.md",
    }
    hook = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]
    assert hook == {"path": "hatch_build.py"}
    assert "template.bundle" in (Path(__file__).parents[2] / "hatch_build.py").read_text()
    assert builtin.BUNDLE_NAME == "template.bundle"
    assert builtin.PACKAGED_TEMPLATE.name == "_template_data"


def test_materialise_skips_bytecode(tmp_path: Path) -> None:
    data = _fake_wheel_data(tmp_path / "data")
    (data / "__pycache__").mkdir()
    (data / "__pycache__" / "x.pyc").write_text("")
    repo = materialise_packaged_template(data, tmp_path / "cache", "0.0.1")
    assert "__pycache__" not in git("ls-files", cwd=repo)
    assert "copier.yml" in git("ls-files", cwd=repo).split()


def _tagged_history(root: Path) -> Path:
    """A template repository with releases v1.0.0 and v1.1.0, and an untagged change."""
    make_template(root, tag="v1.0.0")
    (root / "template" / "ADDED_IN_1_1.md").write_text("new\n")
    git("add", "--all", cwd=root)
    git("-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "1.1", cwd=root)
    git("tag", "v1.1.0", cwd=root)
    (root / "template" / "UNRELEASED.md").write_text("work in progress\n")
    return root


def test_bundle_holds_every_release_and_the_version_being_built(tmp_path: Path) -> None:
    repo = _tagged_history(tmp_path / "repo")
    bundle = tmp_path / "out" / "template.bundle"

    tags = build_template_bundle(repo, bundle, "1.2.0")

    assert tags == ["v1.0.0", "v1.1.0", "v1.2.0"]
    clone = tmp_path / "clone"
    git("clone", "--quiet", str(bundle), str(clone), cwd=tmp_path)
    assert git("tag", cwd=clone).split() == tags
    assert git("describe", "--tags", "v1.1.0", cwd=clone).strip() == "v1.1.0"
    files = git("ls-tree", "-r", "--name-only", "v1.2.0", cwd=clone).split()
    assert "template/UNRELEASED.md" in files  # the work tree being packaged
    assert "template/UNRELEASED.md" not in git("ls-tree", "-r", "--name-only", "v1.1.0", cwd=clone)
    assert all(name.startswith(("copier.yml", "template/")) for name in files)


def test_bundle_takes_releases_recorded_in_the_repository_where_tags_did_not_travel(
    tmp_path: Path,
) -> None:
    repo = make_template(tmp_path / "repo", tag="v1.0.0")
    (repo / "template" / "ADDED_IN_1_1.md").write_text("new\n")
    git("add", "--all", cwd=repo)
    git("-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "1.1", cwd=repo)
    released = git("rev-parse", "HEAD", cwd=repo).strip()
    (repo / "template" / "UNRELEASED.md").write_text("work in progress\n")
    (repo / "RELEASES.toml").write_text(f'[releases]\n"1.1.0" = "{released}"\n')
    bundle = tmp_path / "b.bundle"

    assert build_template_bundle(repo, bundle, "1.2.0") == ["v1.0.0", "v1.1.0", "v1.2.0"]

    clone = tmp_path / "clone"
    git("clone", "--quiet", str(bundle), str(clone), cwd=tmp_path)
    files = git("ls-tree", "-r", "--name-only", "v1.1.0", cwd=clone).split()
    assert "template/ADDED_IN_1_1.md" in files
    assert "template/UNRELEASED.md" not in files


def test_bundle_uses_the_tag_of_the_version_being_built(tmp_path: Path) -> None:
    repo = _tagged_history(tmp_path / "repo")
    tags = build_template_bundle(repo, tmp_path / "b.bundle", "1.1.0")
    assert tags == ["v1.0.0", "v1.1.0"]


def test_materialise_from_the_bundle_has_older_releases(tmp_path: Path) -> None:
    repo = _tagged_history(tmp_path / "repo")
    data = _fake_wheel_data(tmp_path / "data")
    build_template_bundle(repo, data / "template.bundle", "1.2.0")

    cache_repo = materialise_packaged_template(data, tmp_path / "cache", "1.2.0")

    assert git("tag", cwd=cache_repo).split() == ["v1.0.0", "v1.1.0", "v1.2.0"]
    assert git("status", "--porcelain", cwd=cache_repo) == ""


def test_materialise_adds_the_packaged_version_missing_from_the_bundle(tmp_path: Path) -> None:
    repo = _tagged_history(tmp_path / "repo")
    data = _fake_wheel_data(tmp_path / "data")
    build_template_bundle(repo, data / "template.bundle", "1.1.0")

    cache_repo = materialise_packaged_template(data, tmp_path / "cache", "1.3.0")

    assert git("tag", cwd=cache_repo).split() == ["v1.0.0", "v1.1.0", "v1.3.0"]
    assert "template.bundle" not in git("ls-files", cwd=cache_repo)


def test_every_recorded_release_is_a_commit_whose_changelog_names_it() -> None:
    root = Path(__file__).resolve().parents[2]
    releases = tomllib.loads((root / "RELEASES.toml").read_text())["releases"]
    assert releases, "RELEASES.toml records no release"
    for version, commit in releases.items():
        changelog = git("show", f"{commit}:CHANGELOG.md", cwd=root)
        assert f"## [{version}] - " in changelog, (version, commit)
