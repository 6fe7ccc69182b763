"""Activities' copies of membership's schools, people, communities and memberships.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
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
    op.create_table(
        "replica_schools",
        sa.Column("npsn", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("kabkota_code", sa.Text, nullable=False),
        sa.Column("version", UUID(as_uuid=True), nullable=False),
    )
    op.create_table(
        "replica_people",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("full_name", sa.Text),
        sa.Column("school_npsn", sa.Text),
        sa.Column("province_code", sa.Text),
        sa.Column("kabkota_code", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("merged_into", UUID(as_uuid=True)),
        sa.Column("version", UUID(as_uuid=True), nullable=False),
    )
    op.create_table(
        "replica_communities",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("kabkota_code", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("version", UUID(as_uuid=True), nullable=False),
    )
    op.create_index("ix_replica_communities_kabkota_code", "replica_communities", ["kabkota_code"])
    op.create_table(
        "replica_memberships",
        sa.Column("community_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("person_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        sa.Column("version", UUID(as_uuid=True), nullable=False),
    )
    op.create_index("ix_replica_memberships_person_id", "replica_memberships", ["person_id"])


def downgrade() -> None:
    for table in (
        "replica_memberships",
        "replica_communities",
        "replica_people",
        "replica_schools",
    ):
        op.drop_table(table)
