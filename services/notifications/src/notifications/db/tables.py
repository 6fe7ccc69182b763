"""Tables of the notifications service.

Replicas (`contacts`, `trainings`, `training_sessions`, `registrations`, `community_members`,
`activities`) are kept from other services' events and can be rebuilt by replaying their
topics. `messages` is the one table of what is sent: every message to one person on one
channel, from the moment it is planned (a reminder waits there with its instant) to its last
delivery status; the in-app inbox is its channel `inbox`. Its unique `(event_key, person_id,
channel)` is what makes a replayed event send nothing new.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = sa.MetaData()

_TS = sa.DateTime(timezone=True)


def _now() -> sa.TextClause:
    return sa.text("now()")


# Replicas

contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("person_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("full_name", sa.Text),  # none once erased
    sa.Column("email", sa.Text),
    sa.Column("phone", sa.Text),  # E.164, +62…
    sa.Column("language", sa.Text, nullable=False, server_default="id"),  # id | en
    sa.Column("province_code", sa.Text),
    sa.Column("kabkota_code", sa.Text),
    sa.Column("timezone", sa.Text, nullable=False, server_default="WIB"),  # of their place
    sa.Column("erased_at", _TS),
    # A duplicate merged into another person: messages planned later go to that one.
    sa.Column("merged_into", UUID(as_uuid=True)),
    sa.Column("version", UUID(as_uuid=True), nullable=False),  # the last event applied
)

trainings = sa.Table(
    "trainings",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("organiser", sa.Text, nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="scheduled"),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

training_sessions = sa.Table(
    "training_sessions",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("training_id", UUID(as_uuid=True), nullable=False, index=True),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False),
    sa.Column("venue", sa.Text, nullable=False),
    sa.Column("starts_at", _TS, nullable=False),
    sa.Column("ends_at", _TS, nullable=False),
    sa.Column("timezone", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="scheduled"),
    # Set when the session's follow-ups (thanks / no-show) were planned, once.
    sa.Column("followed_up_at", _TS),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

registrations = sa.Table(
    "registrations",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("training_id", UUID(as_uuid=True), nullable=False),
    sa.Column("session_id", UUID(as_uuid=True), nullable=False, index=True),
    sa.Column("person_id", UUID(as_uuid=True), index=True),  # none until the saga links it
    sa.Column("status", sa.Text, nullable=False),  # registered | waitlisted | cancelled
    sa.Column("ticket", sa.Text),  # the signed ticket, for the confirmation's QR
    sa.Column("checked_in_at", _TS),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

community_members = sa.Table(
    "community_members",
    metadata,
    sa.Column("community_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("person_id", UUID(as_uuid=True), primary_key=True, index=True),
    sa.Column("community_name", sa.Text),
    sa.Column("left_on", sa.Date),  # a member who left stays, so no older event rejoins them
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

communities = sa.Table(
    "communities",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="active"),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

# Community meetings scheduled ahead, for their reminders.
activities = sa.Table(
    "activities",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("community_id", UUID(as_uuid=True), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("starts_at", _TS, nullable=False),
    sa.Column("timezone", sa.Text, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

# What is sent

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),  # uuid7
    # What the message answers: the event id, or a stable key for a scheduled message
    # (e.g. "reminder:h-1:<registration id>"). One message per (key, person, channel).
    sa.Column("event_key", sa.Text, nullable=False),
    sa.Column("person_id", UUID(as_uuid=True), nullable=False),
    sa.Column("channel", sa.Text, nullable=False),  # email | whatsapp | sms | inbox
    sa.Column("rule", sa.Text, nullable=False),  # the rule, also the template's name
    sa.Column("transactional", sa.Boolean, nullable=False, server_default=sa.false()),
    # What the template needs besides the replicas (ids, reason, counts); no contacts.
    sa.Column("context", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    # What it is about, so a moved or cancelled session moves or drops its reminders.
    sa.Column("training_id", UUID(as_uuid=True)),
    sa.Column("session_id", UUID(as_uuid=True)),
    sa.Column("registration_id", UUID(as_uuid=True)),
    sa.Column("activity_id", UUID(as_uuid=True)),
    # scheduled (waits for due_at) | queued | sending | sent | delivered | read | failed
    # | cancelled | skipped (preferences)
    sa.Column("status", sa.Text, nullable=False, server_default="queued"),
    sa.Column("due_at", _TS, nullable=False, server_default=_now()),  # UTC instant
    # After due_at, the latest it is still worth sending (a reminder after its session is not).
    sa.Column("expires_at", _TS),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", _TS, nullable=False, server_default=_now()),
    sa.Column("claimed_until", _TS),
    sa.Column("provider", sa.Text),
    sa.Column("provider_message_id", sa.Text),
    sa.Column("failure_reason", sa.Text),  # no personal data
    # The message this one replaces on another channel (fail-over).
    sa.Column("fallback_of", UUID(as_uuid=True)),
    # Rendered at sending time, kept for the inbox and the dev outbox; wiped on erasure.
    sa.Column("subject", sa.Text),
    sa.Column("body", sa.Text),
    sa.Column("read_at", _TS),
    sa.Column("sent_at", _TS),
    sa.Column("delivered_at", _TS),
    sa.Column("created_at", _TS, nullable=False, server_default=_now()),
    sa.Column("updated_at", _TS, nullable=False, server_default=_now()),
    sa.UniqueConstraint("event_key", "person_id", "channel", name="uq_messages_once"),
    sa.Index(
        "ix_messages_due",
        "next_attempt_at",
        postgresql_where=sa.text("status IN ('scheduled', 'queued')"),
    ),
    sa.Index("ix_messages_person", "person_id", "channel", "created_at"),
    sa.Index(
        "ix_messages_session", "session_id", postgresql_where=sa.text("session_id IS NOT NULL")
    ),
    sa.Index(
        "ix_messages_training", "training_id", postgresql_where=sa.text("training_id IS NOT NULL")
    ),
    sa.Index(
        "ix_messages_activity", "activity_id", postgresql_where=sa.text("activity_id IS NOT NULL")
    ),
    sa.Index(
        "ix_messages_registration",
        "registration_id",
        postgresql_where=sa.text("registration_id IS NOT NULL"),
    ),
    sa.Index(
        "ix_messages_provider_id",
        "provider",
        "provider_message_id",
        postgresql_where=sa.text("provider_message_id IS NOT NULL"),
    ),
)

# Every status a message went through, as the provider reported it (webhooks may arrive out
# of order; `messages.status` is the furthest one).
message_statuses = sa.Table(
    "message_statuses",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("message_id", UUID(as_uuid=True), nullable=False, index=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("reported_at", _TS, nullable=False),
    sa.Column("detail", sa.Text),
    sa.Column("created_at", _TS, nullable=False, server_default=_now()),
)

# Preferences and consent

channel_preferences = sa.Table(
    "channel_preferences",
    metadata,
    sa.Column("person_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("channel", sa.Text, primary_key=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("updated_at", _TS, nullable=False, server_default=_now()),
)

quiet_hours = sa.Table(
    "quiet_hours",
    metadata,
    sa.Column("person_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("starts", sa.Time, nullable=False),  # local time of the person's zone
    sa.Column("ends", sa.Time, nullable=False),
    sa.Column("updated_at", _TS, nullable=False, server_default=_now()),
)

# The embedded default's local mail catcher and gateway recorder write what they received
# here, for the dev page; never used with a real SMTP server or gateway.
dev_outbox = sa.Table(
    "dev_outbox",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("channel", sa.Text, nullable=False),  # email | whatsapp | sms
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("subject", sa.Text),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("raw", sa.Text),
    sa.Column("received_at", _TS, nullable=False, server_default=_now()),
)

# Weekly digests of quiet communities, for staff who asked for them. Staff sign in with tokens
# and need not be people of membership: a subscription carries its own addresses, and its
# `id` stands for the subscriber in `messages.person_id` (email and WhatsApp); the inbox copy
# goes to the token's person, when it names one.
digest_subscriptions = sa.Table(
    "digest_subscriptions",
    metadata,
    sa.Column("subject", sa.Text, primary_key=True),  # the token's `sub`
    sa.Column("id", UUID(as_uuid=True), nullable=False, unique=True),
    sa.Column("person_id", UUID(as_uuid=True), index=True),  # the token's `person`, if any
    sa.Column("area_kind", sa.Text, nullable=False),  # province | kabkota
    sa.Column("area_code", sa.Text, nullable=False),
    sa.Column("timezone", sa.Text, nullable=False),  # of the area
    sa.Column("email", sa.Text),
    sa.Column("phone", sa.Text),  # E.164
    sa.Column("language", sa.Text, nullable=False, server_default="id"),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("created_at", _TS, nullable=False, server_default=_now()),
    sa.Column("updated_at", _TS, nullable=False, server_default=_now()),
    sa.Index("ix_digest_subscriptions_area", "area_code", postgresql_where=sa.text("enabled")),
)
