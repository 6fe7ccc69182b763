"""Tables of the activities service.

The `replica_*` tables are activities' own copies of what membership owns, built from its
events (see `activities.replicas`): names, schools and regions, never contact data. Each row
keeps the id of the last event applied to it (`version`, a UUIDv7, so later events sort
later): an event older than what a row already shows changes nothing, which makes a replay or
a late dead-letter harmless.
"""

import sqlalchemy as sa
from kombel_runtime.imports.tables import import_tables as declare_import_tables
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

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
    # Keyed digests of the person's NUPTK, email and phone (`activities.identities`): a roster
    # row finds its person by them, and no contact data is kept here.
    sa.Column("identity_digests", ARRAY(sa.LargeBinary)),
    sa.Index("ix_replica_people_identity_digests", "identity_digests", postgresql_using="gin"),
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

# A training (bimtek) organised by a province office for its province.
trainings = sa.Table(
    "trainings",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("organiser", sa.Text, nullable=False),
    sa.Column("province_code", sa.Text, nullable=False, index=True),
    sa.Column("audience", sa.Text, nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("registration_closes_at", sa.DateTime(timezone=True)),
    sa.Column("status", sa.Text, nullable=False, server_default="scheduled"),  # | cancelled
    sa.Column("cancel_reason", sa.Text),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)

# One site and day of a training, in a kabupaten/kota. The counters are kept in step with the
# registrations in the same transaction, under this row's lock: it is what serialises seats.
training_sessions = sa.Table(
    "training_sessions",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "training_id",
        UUID(as_uuid=True),
        sa.ForeignKey("trainings.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False, index=True),
    sa.Column("venue", sa.Text, nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("timezone", sa.Text, nullable=False),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("registered", sa.Integer, nullable=False, server_default="0"),
    sa.Column("waitlisted", sa.Integer, nullable=False, server_default="0"),
    sa.Column("checked_in", sa.Integer, nullable=False, server_default="0"),
    # The last waitlist number handed out: the waitlist is served in this order.
    sa.Column("waitlist_seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("status", sa.Text, nullable=False, server_default="scheduled"),  # | cancelled
    sa.Column("cancel_reason", sa.Text),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.UniqueConstraint("training_id", "code", name="uq_training_sessions_code"),
    sa.Index("ix_training_sessions_training", "training_id", "kabkota_code"),
)

# A person's place in a training: a seat (registered), a place on the waitlist, or cancelled.
registrations = sa.Table(
    "registrations",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "training_id",
        UUID(as_uuid=True),
        sa.ForeignKey("trainings.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "session_id",
        UUID(as_uuid=True),
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # None while membership creates the person of a roster row (`saga` is then "pending").
    sa.Column("person_id", UUID(as_uuid=True)),
    sa.Column("kabkota_code", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),  # registered | waitlisted | cancelled
    # What the registration got when it was made, for the import's `waitlisted`.
    sa.Column("first_status", sa.Text, nullable=False),
    sa.Column("waitlist_seq", sa.BigInteger),
    sa.Column("promoted_at", sa.DateTime(timezone=True)),
    sa.Column("cancelled_at", sa.DateTime(timezone=True)),
    sa.Column("cancel_reason", sa.Text),
    sa.Column("checked_in_at", sa.DateTime(timezone=True)),
    sa.Column("checkin_device", sa.Text),
    # The roster row's identity digests, so that a re-upload finds the registration even
    # before its person exists.
    sa.Column("identity_digests", ARRAY(sa.LargeBinary)),
    sa.Column("saga", sa.Text),  # None | pending | linked | refused
    sa.Column("import_id", UUID(as_uuid=True)),
    sa.Column("row_number", sa.Integer),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    # A person holds one live registration per training.
    sa.Index(
        "uq_registrations_person",
        "training_id",
        "person_id",
        unique=True,
        postgresql_where=sa.text("status <> 'cancelled' AND person_id IS NOT NULL"),
    ),
    sa.Index("ix_registrations_session", "session_id", "status", "waitlist_seq"),
    sa.Index("ix_registrations_training", "training_id", "id"),
    sa.Index("ix_registrations_person", "person_id"),
    sa.Index(
        "ix_registrations_import", "import_id", postgresql_where=sa.text("import_id IS NOT NULL")
    ),
    sa.Index("ix_registrations_identity_digests", "identity_digests", postgresql_using="gin"),
)

# Certificates issued to those checked in; the code is what anyone may verify.
certificates = sa.Table(
    "certificates",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column(
        "registration_id",
        UUID(as_uuid=True),
        sa.ForeignKey("registrations.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column(
        "issued_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)

# Ed25519 keys that sign tickets. The newest unretired key signs; every key verifies, so a
# ticket printed before a rotation still scans. Used when no key is configured.
signing_keys = sa.Table(
    "signing_keys",
    metadata,
    sa.Column("kid", sa.Text, primary_key=True),
    sa.Column("private_key", sa.LargeBinary, nullable=False),
    sa.Column("public_key", sa.LargeBinary, nullable=False),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column("retired_at", sa.DateTime(timezone=True)),
)

# Import jobs (attendance lists, training rosters) and their noted rows, as the runtime declares
# them; a roster's job also counts its waitlist places and the people asked of membership.
import_tables = declare_import_tables(metadata, counters=("waitlisted", "people_requested"))
