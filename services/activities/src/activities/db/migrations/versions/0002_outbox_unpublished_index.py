"""The outbox's unpublished rows are indexed by id alone, and published rows are pruned.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from kombel_runtime.messaging_tables import index_unpublished_by_id, index_unpublished_by_lane

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    index_unpublished_by_id()


def downgrade() -> None:
    index_unpublished_by_lane()
