"""Fixtures for the CLI/library tests: an isolated environment and a clean fake template."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_templates import make_template
from tests.isolation import isolate_user_environment


@pytest.fixture(scope="session")
def fake_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean, tagged (v1.0.0) template repository; read-only for the tests."""
    return make_template(tmp_path_factory.mktemp("fake-template"))


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's git config, caches and copier settings out of every test."""
    return isolate_user_environment(monkeypatch, tmp_path / "home")
