"""Keeping the user's git config, caches and copier settings out of the tests."""

from pathlib import Path

import pytest


def isolate_user_environment(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """Point HOME, git's global config and the XDG dirs at `home`; return it."""
    home.mkdir(parents=True, exist_ok=True)
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
