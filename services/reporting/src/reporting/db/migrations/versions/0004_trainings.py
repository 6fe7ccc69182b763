"""The trainings roll-up: trainings, their sessions and registrations as read models.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trainings_rm",
        sa.Column("training_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("cancelled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", UUID(as_uuid=True), nullable=False),
    )
    op.create_table(
        "training_sessions_rm",
        sa.Column("session_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("training_id", UUID(as_uuid=True), nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("kabkota_code", sa.Text, nullable=False),
        sa.Column("venue", sa.Text, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.Text, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("cancelled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", UUID(as_uuid=True), nullable=False),
    )
    op.create_index("ix_training_sessions_rm_training_id", "training_sessions_rm", ["training_id"])
    op.create_table(
        "training_registrations_rm",
        sa.Column("registration_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("training_id", UUID(as_uuid=True), nullable=False),
        sa.Column("session_id", UUID(as_uuid=True), nullable=False),
        sa.Column("kabkota_code", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", UUID(as_uuid=True), nullable=False),
    )
    op.create_index(
        "ix_training_registrations_rm_training",
        "training_registrations_rm",
        ["training_id", "session_id"],
    )


def downgrade() -> None:
    op.drop_table("training_registrations_rm")
    op.drop_table("training_sessions_rm")
    op.drop_table("trainings_rm")
