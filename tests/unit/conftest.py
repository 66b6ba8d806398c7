"""Fixtures for the CLI/library tests: an isolated environment and a clean fake template."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._fake_template import make_template


@pytest.fixture(scope="session")
def fake_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean, tagged (v1.0.0) template repository; read-only for the tests."""
    return make_template(tmp_path_factory.mktemp("fake-template"))


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's git config, caches and copier settings out of every test."""
    home = tmp_path / "home"
    home.mkdir()
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Test User\n\temail = test@example.com\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "COPIER_SETTINGS_PATH"):
        monkeypatch.delenv(name, raising=False)
    return home
