"""The weekly digests written, one row per area and week: the primary key is what makes a
digest go out once across replicas and restarts.

Until the read models' migration (0003) is merged before this one, the columns of
`community_directory` the digest reads are added here if missing; at merge this revision
follows 0003/0004 and those lines are dropped (see `_READ_MODEL_COLUMNS`).

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Owned by migration 0003 (the read models); here only so this branch runs on its own.
_READ_MODEL_COLUMNS = (
    "ALTER TABLE community_directory ADD COLUMN IF NOT EXISTS archived_at timestamptz",
    "ALTER TABLE community_directory ADD COLUMN IF NOT EXISTS last_activity_at timestamptz",
    "ALTER TABLE community_directory ADD COLUMN IF NOT EXISTS active_until timestamptz",
)


def upgrade() -> None:
    for statement in _READ_MODEL_COLUMNS:
        op.execute(statement)
    op.create_table(
        "digest_runs",
        sa.Column("area_code", sa.Text, primary_key=True),
        sa.Column("week_start", sa.Date, primary_key=True),  # the local Monday
        sa.Column("area_kind", sa.Text, nullable=False),  # province | kabkota
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("communities", sa.Integer, nullable=False),
        sa.Column("gone_quiet", sa.Integer, nullable=False),
        # Areas without communities are recorded too (checked, nothing to tell), with no event.
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column(
            "compiled_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )


def downgrade() -> None:
    op.drop_table("digest_runs")
