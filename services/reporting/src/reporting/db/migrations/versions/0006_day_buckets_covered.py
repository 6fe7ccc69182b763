"""A community's day buckets read from the primary key's index alone: the key carries the
figures a summary sums (`INCLUDE`), so a kabupaten/kota's summary reads a few index pages per
community instead of one table page per day bucket.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = "activities, with_attendance, members_present, phases"


def upgrade() -> None:
    op.execute(
        "ALTER TABLE community_activity_days DROP CONSTRAINT community_activity_days_pkey, "
        "ADD CONSTRAINT community_activity_days_pkey PRIMARY KEY (community_id, day) "
        f"INCLUDE ({FIGURES})"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE community_activity_days DROP CONSTRAINT community_activity_days_pkey, "
        "ADD CONSTRAINT community_activity_days_pkey PRIMARY KEY (community_id, day)"
    )
