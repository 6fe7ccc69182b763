"""Activities of communities along the learning cycle, and who attended.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("community_id", UUID(as_uuid=True), nullable=False),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("kabkota_code", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("phase", sa.Text, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.Text, nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("place", sa.Text),
        sa.Column("meeting_url", sa.Text),
        sa.Column("topic", sa.Text),
        sa.Column("minutes", sa.Text),
        sa.Column("speakers", JSONB, nullable=False, server_default="[]"),
        sa.Column("follow_ups", JSONB, nullable=False, server_default="[]"),
        sa.Column("good_practice", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("good_practice_summary", sa.Text),
        sa.Column("featured", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("guest_names", JSONB, nullable=False, server_default="[]"),
        sa.Column("guests", sa.Integer, nullable=False, server_default="0"),
        sa.Column("erased_attendees", sa.Integer, nullable=False, server_default="0"),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_activities_community_start", "activities", ["community_id", "starts_at"])
    # Good practice is searched by staff of a province, by words of its title and summary.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_activities_good_practice_search ON activities USING gin "
        "((title || ' ' || coalesce(good_practice_summary, '')) gin_trgm_ops) "
        "WHERE good_practice"
    )
    op.create_table(
        "attendance",
        sa.Column(
            "activity_id",
            UUID(as_uuid=True),
            sa.ForeignKey("activities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("person_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column(
            "recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_attendance_person_id", "attendance", ["person_id"])


def downgrade() -> None:
    op.drop_table("attendance")
    op.drop_table("activities")
