"""Searching by part of a name (`q`) uses trigram indexes instead of reading every row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each serves `column ILIKE '%…%'` for three or more characters.
SEARCHED = {
    "ix_people_name_search": ("people", "full_name"),
    "ix_schools_name_search": ("schools", "name"),
    "ix_communities_name_search": ("communities", "name"),
    "ix_communities_subject_search": ("communities", "subject_name"),
}


def upgrade() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in SEARCHED.items():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    for name in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS {name}")
