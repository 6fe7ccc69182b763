"""Read models of communities and their activities: members, activity facts, day buckets,
whether each community is active, and the active rule per province.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("community_directory", sa.Column("archived_at", sa.DateTime(timezone=True)))
    op.add_column(
        "community_directory",
        sa.Column("members", sa.Integer, nullable=False, server_default="0"),
    )
    op.add_column("community_directory", sa.Column("last_activity_at", sa.DateTime(timezone=True)))
    op.add_column("community_directory", sa.Column("active_until", sa.DateTime(timezone=True)))
    op.add_column("community_directory", sa.Column("version", UUID(as_uuid=True)))

    op.create_table(
        "community_members",
        sa.Column("community_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("person_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("left_on", sa.Date),
        sa.Column("version", UUID(as_uuid=True), nullable=False),
    )
    # A signed-in teacher's communities, for their scope.
    op.create_index(
        "ix_community_members_person",
        "community_members",
        ["person_id"],
        postgresql_where=sa.text("left_on IS NULL"),
    )

    op.create_table(
        "activity_facts",
        sa.Column("activity_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("community_id", UUID(as_uuid=True), nullable=False),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("kabkota_code", sa.Text, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("phase", sa.Text, nullable=False),
        sa.Column("attendees", sa.Integer, nullable=False),
        sa.Column("members_present", sa.Integer),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", UUID(as_uuid=True), nullable=False),
    )
    # A community's activities, latest first: its last activity and its N-th qualifying one.
    op.create_index(
        "ix_activity_facts_community_start",
        "activity_facts",
        ["community_id", sa.text("starts_at DESC")],
        postgresql_where=sa.text("NOT deleted"),
    )
    # Recounting a day bucket.
    op.create_index("ix_activity_facts_community_day", "activity_facts", ["community_id", "day"])
    op.create_index("ix_activity_facts_region_day", "activity_facts", ["kabkota_code", "day"])

    op.create_table(
        "community_activity_days",
        sa.Column("community_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("activities", sa.Integer, nullable=False),
        sa.Column("with_attendance", sa.Integer, nullable=False, server_default="0"),
        sa.Column("members_present", sa.Integer, nullable=False, server_default="0"),
        sa.Column("phases", sa.SmallInteger, nullable=False, server_default="0"),
    )
    op.create_table(
        "region_activity_days",
        sa.Column("kabkota_code", sa.Text, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("activities", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_region_activity_days_province", "region_activity_days", ["province_code", "day"]
    )

    # How many communities were active at each week's end, per kabupaten/kota: what
    # `active_until` said then, recorded while the week runs (it cannot be recomputed later).
    op.create_table(
        "region_weekly_standing",
        sa.Column("kabkota_code", sa.Text, primary_key=True),
        sa.Column("week_start", sa.Date, primary_key=True),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("communities", sa.Integer, nullable=False),
        sa.Column("active", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_region_weekly_standing_province",
        "region_weekly_standing",
        ["province_code", "week_start"],
    )

    rules = op.create_table(
        "active_rules",
        sa.Column("province_code", sa.Text, primary_key=True),
        sa.Column("min_activities", sa.Integer, nullable=False),
        sa.Column("window_days", sa.Integer, nullable=False),
        sa.Column("min_members_present", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
    )
    # The national default: two activities in the last 60 days, each with three members present.
    op.execute(
        sa.insert(rules).values(
            province_code="",
            min_activities=2,
            window_days=60,
            min_members_present=3,
            updated_at=sa.func.now(),
            updated_by="bawaan",
        )
    )
    # Counts per kabupaten/kota leave out archived communities from now on; none is archived yet.


def downgrade() -> None:
    op.drop_table("active_rules")
    op.drop_table("region_weekly_standing")
    op.drop_table("region_activity_days")
    op.drop_table("community_activity_days")
    op.drop_table("activity_facts")
    op.drop_table("community_members")
    for column in ("version", "active_until", "last_activity_at", "members", "archived_at"):
        op.drop_column("community_directory", column)
