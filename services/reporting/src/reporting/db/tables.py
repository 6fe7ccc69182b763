"""Read models of the reporting service.

Tables kept by projections (`reporting.projections`) from other services' events, plus the
active rules that staff set. Time-relative figures (activities in the last 30 or 90 days) are
not stored: they are summed from the day buckets at query time, so they never go stale.
"""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID

metadata = sa.MetaData()

community_directory = sa.Table(
    "community_directory",
    metadata,
    sa.Column("community_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("forum_type", sa.Text, nullable=False),
    sa.Column("jenjang", ARRAY(sa.Text), nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False),
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("archived_at", sa.DateTime(timezone=True)),
    # Current members (those who have not left).
    sa.Column("members", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_activity_at", sa.DateTime(timezone=True)),
    # Active at instant t iff active_until > t; NULL is not active (and every archived one).
    sa.Column("active_until", sa.DateTime(timezone=True)),
    # The id of the last community event applied to the row.
    sa.Column("version", UUID(as_uuid=True)),
)

region_community_counts = sa.Table(
    "region_community_counts",
    metadata,
    sa.Column("kabkota_code", sa.Text, primary_key=True),
    sa.Column("province_code", sa.Text, nullable=False),
    # Communities registered there and not archived.
    sa.Column("communities", sa.Integer, nullable=False),
)

community_members = sa.Table(
    "community_members",
    metadata,
    sa.Column("community_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("person_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("since", sa.Date, nullable=False),
    sa.Column("left_on", sa.Date),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

activity_facts = sa.Table(
    "activity_facts",
    metadata,
    sa.Column("activity_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("community_id", UUID(as_uuid=True), nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    # The local date of the start, in the zone of the community's place.
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("phase", sa.Text, nullable=False),
    sa.Column("attendees", sa.Integer, nullable=False),
    # Known once attendance is recorded on its own (`AttendanceRecorded`).
    sa.Column("members_present", sa.Integer),
    # A deleted activity stays as a tombstone, so no older event brings it back.
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("version", UUID(as_uuid=True), nullable=False),
)

community_activity_days = sa.Table(
    "community_activity_days",
    metadata,
    sa.Column("community_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("activities", sa.Integer, nullable=False),
    # Of those, the ones with attendance recorded, and the members present at them in all:
    # the attendance rate of a period is summed from these.
    sa.Column("with_attendance", sa.Integer, nullable=False, server_default="0"),
    sa.Column("members_present", sa.Integer, nullable=False, server_default="0"),
    # The cycle phases met that day, one bit each in `Phase` order.
    sa.Column("phases", sa.SmallInteger, nullable=False, server_default="0"),
    # The key's index carries the figures, so a summary's window is read from it alone
    # (migration 0006).
    sa.PrimaryKeyConstraint(
        "community_id",
        "day",
        name="community_activity_days_pkey",
        postgresql_include=["activities", "with_attendance", "members_present", "phases"],
    ),
)

region_activity_days = sa.Table(
    "region_activity_days",
    metadata,
    sa.Column("kabkota_code", sa.Text, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("activities", sa.Integer, nullable=False),
)

# Communities and active ones at each week's end (its Monday names the week), per
# kabupaten/kota, recorded while the week runs (`reporting.weekly_standing`).
region_weekly_standing = sa.Table(
    "region_weekly_standing",
    metadata,
    sa.Column("kabkota_code", sa.Text, primary_key=True),
    sa.Column("week_start", sa.Date, primary_key=True),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("communities", sa.Integer, nullable=False),
    sa.Column("active", sa.Integer, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)

# The active rule per province; the row with province_code '' is the national default.
active_rules = sa.Table(
    "active_rules",
    metadata,
    sa.Column("province_code", sa.Text, primary_key=True),
    sa.Column("min_activities", sa.Integer, nullable=False),
    sa.Column("window_days", sa.Integer, nullable=False),
    sa.Column("min_members_present", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.Text, nullable=False),
)
