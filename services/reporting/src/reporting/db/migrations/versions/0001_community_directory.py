"""Messaging tables, the community directory and counts per kabupaten/kota.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from kombel_runtime.messaging_tables import create_messaging_tables, drop_messaging_tables
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_messaging_tables()
    op.create_table(
        "community_directory",
        sa.Column("community_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("forum_type", sa.Text, nullable=False),
        sa.Column("jenjang", ARRAY(sa.Text), nullable=False),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("kabkota_code", sa.Text, nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_community_directory_region",
        "community_directory",
        ["province_code", "kabkota_code", sa.text("registered_at DESC"), "community_id"],
    )
    op.create_table(
        "region_community_counts",
        sa.Column("kabkota_code", sa.Text, primary_key=True),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("communities", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("region_community_counts")
    op.drop_table("community_directory")
    drop_messaging_tables()
