"""The trainings roll-up's read model: each training, its sessions and their registrations,
as far as the roll-up needs them (no person, no ticket).

A registration keeps its status and when it was first checked in; the counts per session are
a `GROUP BY` over one training's registrations when asked, so there is no counter to drift.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

metadata = sa.MetaData()

trainings_rm = sa.Table(
    "trainings_rm",
    metadata,
    sa.Column("training_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("cancelled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

training_sessions_rm = sa.Table(
    "training_sessions_rm",
    metadata,
    sa.Column("session_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("training_id", UUID(as_uuid=True), nullable=False, index=True),
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

training_registrations_rm = sa.Table(
    "training_registrations_rm",
    metadata,
    sa.Column("registration_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("training_id", UUID(as_uuid=True), nullable=False),
    sa.Column("session_id", UUID(as_uuid=True), nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False),
    # registered | waitlisted | cancelled, as of the event `version`.
    sa.Column("status", sa.Text, nullable=False),
    # The earliest check-in known: a late offline scan only ever moves it earlier.
    sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
    sa.Index("ix_training_registrations_rm_training", "training_id", "session_id"),
)
