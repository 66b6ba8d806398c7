"""Creating and dropping throwaway databases on a PostgreSQL server."""

import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


def _asyncpg(url: str) -> str:
    return make_url(url).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


async def _execute_autocommit(server_url: str, statement: str) -> None:
    engine = create_async_engine(_asyncpg(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def create(server_url: str) -> str:
    """Create an empty database with a unique name; return its URL."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    await _execute_autocommit(server_url, f'CREATE DATABASE "{name}"')
    return make_url(_asyncpg(server_url)).set(database=name).render_as_string(hide_password=False)


async def drop(server_url: str, database_url: str) -> None:
    """Drop a database made by `create`, closing any connection still open to it."""
    name = make_url(database_url).database
    await _execute_autocommit(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
