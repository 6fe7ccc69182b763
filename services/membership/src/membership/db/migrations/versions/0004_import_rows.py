"""Import rows keep matches with stored records beside refusals.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.rename_table("import_rejections", "import_rows")
    op.alter_column("import_rows", "error", new_column_name="note")
    op.add_column(
        "import_rows", sa.Column("outcome", sa.Text, nullable=False, server_default="rejected")
    )
    op.alter_column("import_rows", "outcome", server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM import_rows WHERE outcome <> 'rejected'")
    op.drop_column("import_rows", "outcome")
    op.alter_column("import_rows", "note", new_column_name="error")
    op.rename_table("import_rows", "import_rejections")
