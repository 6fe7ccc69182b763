"""Tables of the activities service.

The `replica_*` tables are activities' own copies of what membership owns, built from its
events (see `activities.replicas`): names, schools and regions, never contact data. Each row
keeps the id of the last event applied to it (`version`, a UUIDv7, so later events sort
later): an event older than what a row already shows changes nothing, which makes a replay or
a late dead-letter harmless.
"""

import sqlalchemy as sa
from kombel_runtime.imports.tables import import_tables as declare_import_tables
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = sa.MetaData()

replica_schools = sa.Table(
    "replica_schools",
    metadata,
    sa.Column("npsn", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

replica_people = sa.Table(
    "replica_people",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("full_name", sa.Text),  # none once the person is erased
    sa.Column("school_npsn", sa.Text),
    sa.Column("province_code", sa.Text),
    sa.Column("kabkota_code", sa.Text),
    sa.Column("status", sa.Text, nullable=False),  # active | merged | erased
    sa.Column("merged_into", UUID(as_uuid=True)),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

replica_communities = sa.Table(
    "replica_communities",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False, index=True),
    sa.Column("status", sa.Text, nullable=False),  # active | archived
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

# One row per person and community: the current role, or when the membership ended.
replica_memberships = sa.Table(
    "replica_memberships",
    metadata,
    sa.Column("community_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("person_id", UUID(as_uuid=True), primary_key=True, index=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("ended_on", sa.Date),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

# A meeting of a community along its learning cycle. Its region is the community's, kept here
# so that staff lists filter without a join.
activities = sa.Table(
    "activities",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("community_id", UUID(as_uuid=True), nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("phase", sa.Text, nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("timezone", sa.Text, nullable=False),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("mode", sa.Text, nullable=False),
    sa.Column("place", sa.Text),
    sa.Column("meeting_url", sa.Text),
    sa.Column("topic", sa.Text),
    sa.Column("minutes", sa.Text),
    sa.Column("speakers", JSONB, nullable=False, server_default="[]"),
    sa.Column("follow_ups", JSONB, nullable=False, server_default="[]"),
    sa.Column("good_practice", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("good_practice_summary", sa.Text),
    sa.Column("featured", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("guest_names", JSONB, nullable=False, server_default="[]"),
    sa.Column("guests", sa.Integer, nullable=False, server_default="0"),
    # People who were present and later asked to be forgotten: counted, no longer named.
    sa.Column("erased_attendees", sa.Integer, nullable=False, server_default="0"),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Index("ix_activities_community_start", "community_id", "starts_at"),
)

# Members present at an activity.
attendance = sa.Table(
    "attendance",
    metadata,
    sa.Column(
        "activity_id",
        UUID(as_uuid=True),
        sa.ForeignKey("activities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("person_id", UUID(as_uuid=True), primary_key=True, index=True),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Column(
        "recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)

# Photos and PDFs attached to an activity; the files live in object storage under
# `activities/<activity id>/<evidence id>` (and `…/thumbnail`), never public.
evidence = sa.Table(
    "evidence",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "activity_id",
        UUID(as_uuid=True),
        sa.ForeignKey("activities.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("content_type", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("has_thumbnail", sa.Boolean, nullable=False),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)

# Import jobs (attendance lists) and their noted rows, as the runtime declares them.
import_tables = declare_import_tables(metadata)
