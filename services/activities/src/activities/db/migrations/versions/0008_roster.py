"""Imports of training rosters count their waitlist places and the people asked of membership.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = ("waitlisted", "people_requested")


def upgrade() -> None:
    for name in COUNTERS:
        op.execute(f"ALTER TABLE imports ADD COLUMN {name} INTEGER DEFAULT '0' NOT NULL")


def downgrade() -> None:
    for name in COUNTERS:
        op.execute(f"ALTER TABLE imports DROP COLUMN {name}")
