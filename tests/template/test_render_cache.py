"""The render cache: `new` keeps its render, so an update on the same machine renders once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import scaffold.commands.update
import scaffold.template.render
from scaffold import diff_project, new_project, update_project
from scaffold.template import render_cache as _render_cache
from tests.fixtures import commit_all, edit


def generate(template: Path, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    new_project(project, defaults=True, template=str(template), vcs_ref="v1.0.0")
    edit(project / "config.toml", "timeout = 30", "timeout = 10")
    edit(project / "Makefile", "lint:", "lint:  # mine")
    commit_all(project, "mine")
    return project


def count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    refs: list[str | None] = []
    real = scaffold.template.render.render_version

    def counting(*args: object, **kwargs: object) -> object:
        refs.append(kwargs.get("vcs_ref"))  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scaffold.commands.update, "render_version", counting)
    monkeypatch.setattr(
        scaffold.template.render, "_render_base", lambda *_: pytest.fail("base rendered")
    )
    return refs


def test_update_after_new_renders_only_the_new_version(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = generate(template, tmp_path)
    renders = count_renders(monkeypatch)

    result = update_project(project, defaults=True)

    assert renders == ["v2.0.0"]
    assert result.conflicts == ("config.toml",)
    assert "lint:  # mine" in (project / "Makefile").read_text()


def test_cached_and_fresh_renders_give_the_same_update(template: Path, tmp_path: Path) -> None:
    cached = generate(template, tmp_path / "a")
    fresh = tmp_path / "b"
    shutil.copytree(cached, fresh, symlinks=True)
    shutil.rmtree(_render_cache.cache_repository())

    update_project(fresh, defaults=True)
    update_project(cached, defaults=True)

    for name in ("config.toml", "Makefile", "README.md", ".copier-answers.yml"):
        assert (cached / name).read_bytes() == (fresh / name).read_bytes(), name


def test_a_broken_cache_is_ignored(template: Path, tmp_path: Path) -> None:
    project = generate(template, tmp_path)
    repository = _render_cache.cache_repository()
    shutil.rmtree(repository)
    repository.write_text("not a repository")

    assert update_project(project, defaults=True).to_version == "v2.0.0"
    assert diff_project(project).modified


def test_diff_uses_the_cache(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = generate(template, tmp_path)
    monkeypatch.setattr(
        "scaffold.commands.diff.render_version", lambda *_a, **_k: pytest.fail("render")
    )
    assert diff_project(project).modified == ("Makefile", "config.toml")
