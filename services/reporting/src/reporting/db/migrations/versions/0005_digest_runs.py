"""The weekly digests written, one row per area and week: the primary key is what makes a
digest go out once across replicas and restarts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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
