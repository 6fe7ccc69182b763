"""Import jobs and their noted rows: paper attendance lists uploaded for an activity.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op
from kombel_runtime.imports.tables import create_import_tables

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_import_tables(op.get_bind())


def downgrade() -> None:
    op.drop_table("import_rows")
    op.drop_table("imports")
