"""The outbox and inbox tables every service keeps in its own database.

Each service's first migration creates them with `create_messaging_tables()`.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

NOTIFY_CHANNEL = "kombel_outbox"
# Outbox rows are spread over lanes by key; one relay at a time owns a lane, so the order of
# one key survives any number of relays.
LANES = 16

metadata = sa.MetaData()

outbox = sa.Table(
    "kombel_outbox",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column("topic", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("lane", sa.SmallInteger, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("traceparent", sa.Text),
    sa.Column("tracestate", sa.Text),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column("published_at", sa.DateTime(timezone=True)),
    # The relay claims the oldest unpublished rows; published rows (kept a while, then
    # pruned) stay out of this index so a claim never walks past them.
    sa.Index(
        "kombel_outbox_unpublished",
        "id",
        postgresql_where=sa.text("published_at IS NULL"),
    ),
)

inbox = sa.Table(
    "kombel_inbox",
    metadata,
    sa.Column("consumer", sa.Text, primary_key=True),
    sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column(
        "processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)

_NOTIFY_FUNCTION = f"""
CREATE FUNCTION kombel_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{NOTIFY_CHANNEL}', '');
    RETURN NULL;
END $$;
"""
_NOTIFY_TRIGGER = """
CREATE TRIGGER kombel_outbox_notify AFTER INSERT ON kombel_outbox
FOR EACH STATEMENT EXECUTE FUNCTION kombel_outbox_notify();
"""


def create_messaging_tables() -> None:
    """Alembic operations that create the outbox (with its wake-up trigger) and the inbox."""
    bind = op.get_bind()
    metadata.create_all(bind)
    op.execute(_NOTIFY_FUNCTION)
    op.execute(_NOTIFY_TRIGGER)


def index_unpublished_by_id() -> None:
    """Alembic operations that move an outbox made with the first index (lane, id) to the index
    on id alone: a claim in id order across lanes no longer scans the published rows."""
    op.execute("DROP INDEX IF EXISTS kombel_outbox_pending")
    op.execute(
        "CREATE INDEX IF NOT EXISTS kombel_outbox_unpublished ON kombel_outbox (id) "
        "WHERE published_at IS NULL"
    )


def index_unpublished_by_lane() -> None:
    op.execute("DROP INDEX IF EXISTS kombel_outbox_unpublished")
    op.execute(
        "CREATE INDEX IF NOT EXISTS kombel_outbox_pending ON kombel_outbox (lane, id) "
        "WHERE published_at IS NULL"
    )


def drop_messaging_tables() -> None:
    op.execute("DROP TRIGGER IF EXISTS kombel_outbox_notify ON kombel_outbox")
    op.execute("DROP FUNCTION IF EXISTS kombel_outbox_notify()")
    metadata.drop_all(op.get_bind())
