"""Community details (subject, host schools, schedule, PMM link) and memberships with history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("communities", sa.Column("subject_name", sa.Text))
    op.add_column(
        "communities",
        sa.Column("host_school_npsns", ARRAY(sa.Text), nullable=False, server_default="{}"),
    )
    op.add_column("communities", sa.Column("schedule", JSONB))
    op.add_column("communities", sa.Column("pmm_url", sa.Text))
    op.add_column(
        "communities",
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_communities_region", "communities", ["province_code", "kabkota_code", "id"])
    op.create_table(
        "memberships",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column(
            "community_id", UUID(as_uuid=True), sa.ForeignKey("communities.id"), nullable=False
        ),
        sa.Column("person_id", UUID(as_uuid=True), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        sa.Column("recorded_by", sa.Text, nullable=False),
    )
    # A person holds one current membership per community; ended ones are its history.
    op.create_index(
        "ux_memberships_current",
        "memberships",
        ["community_id", "person_id"],
        unique=True,
        postgresql_where=sa.text("ended_on IS NULL"),
    )
    op.create_index("ix_memberships_person", "memberships", ["person_id"])


def downgrade() -> None:
    op.drop_table("memberships")
    op.drop_index("ix_communities_region", "communities")
    for column in ("updated_at", "pmm_url", "schedule", "host_school_npsns", "subject_name"):
        op.drop_column("communities", column)
