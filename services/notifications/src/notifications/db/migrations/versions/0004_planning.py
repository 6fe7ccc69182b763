"""What planning needs besides the foundation: a merged person's contact names the person it
was merged into (later messages go there), a member who left stays as a tombstone with the
date (an older event cannot bring them back), and messages are found by their training and
activity, so a cancelled training or a deleted meeting drops its reminders.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENTS = (
    "ALTER TABLE contacts ADD COLUMN merged_into UUID",
    "ALTER TABLE community_members ADD COLUMN left_on DATE",
    "CREATE INDEX ix_messages_training ON messages (training_id) WHERE training_id IS NOT NULL",
    "CREATE INDEX ix_messages_activity ON messages (activity_id) WHERE activity_id IS NOT NULL",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP INDEX ix_messages_activity")
    op.execute("DROP INDEX ix_messages_training")
    op.execute("ALTER TABLE community_members DROP COLUMN left_on")
    op.execute("ALTER TABLE contacts DROP COLUMN merged_into")
