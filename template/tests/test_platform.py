"""The platform the project declares is the one it runs on: one PostgreSQL major
everywhere (POSTGRES_MAJOR) and one pinned Python (.python-version)."""

import re
import sys
import tomllib

from packaging.specifiers import SpecifierSet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from devtools.embedded_postgres import POSTGRES_MAJOR, PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
PINNED_PYTHON = (PROJECT_ROOT / ".python-version").read_text().strip()


def _read(name: str) -> str:
    return (PROJECT_ROOT / name).read_text()


async def test_the_database_server_runs_the_declared_major(db_session: AsyncSession) -> None:
    """Tests on another major than production's prove less than they claim."""
    version_number = int(await db_session.scalar(text("SHOW server_version_num")) or 0)
    assert version_number // 10000 == POSTGRES_MAJOR, (
        f"the tests run on PostgreSQL {version_number // 10000}, the project declares "
        f"{POSTGRES_MAJOR}: point TEST_DATABASE_URL at a PostgreSQL {POSTGRES_MAJOR} server"
    )


def test_the_embedded_server_and_compose_ship_the_declared_major() -> None:
    development = PYPROJECT["dependency-groups"]["dev"]
    embedded = [spec for spec in development if spec.startswith("embedded-postgres")]
    assert len(embedded) == 1
    assert embedded[0].startswith(f"embedded-postgres=={POSTGRES_MAJOR}."), embedded[0]
    compose_images = re.findall(r"image: postgres:(\S+)", _read("docker-compose.yml"))
    assert compose_images == [str(POSTGRES_MAJOR)]


def test_the_pinned_python_is_the_one_everything_targets() -> None:
    major, minor = PINNED_PYTHON.split(".")
    assert sys.version_info[:2] == (int(major), int(minor)), "the tests run on another Python"
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(f"{PINNED_PYTHON}.0")
    assert PYPROJECT["tool"]["ruff"]["target-version"] == f"py{major}{minor}"
    assert PYPROJECT["tool"]["mypy"]["python_version"] == PINNED_PYTHON
    images = re.findall(r"^FROM python:(\d+\.\d+)\.\d+-", _read("Dockerfile"), re.MULTILINE)
    assert images == [PINNED_PYTHON]
    lock = tomllib.loads(_read("uv.lock"))
    assert lock["requires-python"] == PYPROJECT["project"]["requires-python"]


def test_the_embedded_server_never_reaches_production() -> None:
    """Nothing the app installs without the dev group (`uv sync --no-dev`, the image) pulls
    in the embedded server, directly or through another package."""
    lock = tomllib.loads(_read("uv.lock"))
    packages = {package["name"]: package for package in lock["package"]}
    project = next(p for p in lock["package"] if p.get("source", {}).get("editable") == ".")
    production, pending = set(), [dep["name"] for dep in project["dependencies"]]
    while pending:
        name = pending.pop()
        if name not in production:
            production.add(name)
            pending += [dep["name"] for dep in packages[name].get("dependencies", [])]
    assert "sqlalchemy" in production
    assert "embedded-postgres" not in production
    assert "embedded-postgres" in {dep["name"] for dep in project["dev-dependencies"]["dev"]}
