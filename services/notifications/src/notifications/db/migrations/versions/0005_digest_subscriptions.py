"""Staff subscriptions to the weekly digest of quiet communities in their area.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "digest_subscriptions",
        sa.Column("subject", sa.Text, primary_key=True),
        sa.Column("id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("person_id", UUID(as_uuid=True)),
        sa.Column("area_kind", sa.Text, nullable=False),
        sa.Column("area_code", sa.Text, nullable=False),
        sa.Column("timezone", sa.Text, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("language", sa.Text, nullable=False, server_default="id"),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("created_at", _TS, nullable=False, server_default=sa.text("now()")),
        sa.Column("updated_at", _TS, nullable=False, server_default=sa.text("now()")),
    )
    op.create_index("ix_digest_subscriptions_person_id", "digest_subscriptions", ["person_id"])
    op.create_index(
        "ix_digest_subscriptions_area",
        "digest_subscriptions",
        ["area_code"],
        postgresql_where=sa.text("enabled"),
    )


def downgrade() -> None:
    op.drop_table("digest_subscriptions")
