"""Each test runs in a transaction that is rolled back, so tests cannot leak data.

The two tests run in file order: the second sees nothing of the first.
"""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

MARKER = "written-by-a-test"


async def test_a_write_inside_a_test(db_session: AsyncSession) -> None:
    await db_session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": MARKER})
    await db_session.commit()  # a savepoint: the outer transaction still rolls back
    assert await db_session.scalar(text("SELECT version_num FROM alembic_version")) == MARKER


async def test_is_gone_in_the_next_test(db_session: AsyncSession) -> None:
    assert await db_session.scalar(text("SELECT version_num FROM alembic_version")) != MARKER
