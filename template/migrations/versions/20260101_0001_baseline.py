"""Baseline: the empty schema every later migration builds on.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from collections.abc import Sequence

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to create yet: domain migrations revise this one."""


def downgrade() -> None:
    """Nothing to drop."""
