"""Imports say what the file goes into when a kind needs it (the runtime's import tables are
one declaration for every service; membership's kinds leave it empty).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("imports", sa.Column("target", sa.Text))


def downgrade() -> None:
    op.drop_column("imports", "target")
