"""Tables of the membership service."""

import sqlalchemy as sa
from kombel_runtime.imports.tables import import_tables as declare_import_tables
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = sa.MetaData()

communities = sa.Table(
    "communities",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("forum_type", sa.Text, nullable=False),
    sa.Column("jenjang", ARRAY(sa.Text), nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False, index=True),
    sa.Column("status", sa.Text, nullable=False, server_default="active"),
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("registered_by", sa.Text, nullable=False),
    sa.Column("subject_name", sa.Text),
    sa.Column("host_school_npsns", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("schedule", JSONB),
    sa.Column("pmm_url", sa.Text),
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("community_id", UUID(as_uuid=True), sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("person_id", UUID(as_uuid=True), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("ended_on", sa.Date),
    sa.Column("recorded_by", sa.Text, nullable=False),
)

regions = sa.Table(
    "regions",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("parent_code", sa.Text, sa.ForeignKey("regions.code")),
    sa.Column("timezone", sa.Text, nullable=False),
)

schools = sa.Table(
    "schools",
    metadata,
    sa.Column("npsn", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("jenjang", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, sa.ForeignKey("regions.code"), nullable=False),
    sa.Column("kecamatan", sa.Text),
    sa.Column("address", sa.Text),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("nuptk", sa.Text),
    sa.Column("nip", sa.Text),
    sa.Column("email", sa.Text),
    sa.Column("phone", sa.Text),
    sa.Column("position", sa.Text, nullable=False),
    sa.Column("school_npsn", sa.Text, sa.ForeignKey("schools.npsn"), nullable=False),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("kabkota_code", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="active"),
    sa.Column("merged_into", UUID(as_uuid=True)),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
)

# Import jobs and their noted rows, as the runtime's import machinery declares them.
import_tables = declare_import_tables(metadata)
imports, import_rows = import_tables.imports, import_tables.import_rows

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("subject", sa.Text),
    sa.Column("detail", sa.JSON),
)

# A person of another area joins a community only by accepting its invitation.
invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("community_id", UUID(as_uuid=True), sa.ForeignKey("communities.id"), nullable=False),
    sa.Column("person_id", UUID(as_uuid=True), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),  # pending | accepted | declined | revoked
    sa.Column("invited_by", sa.Text, nullable=False),
    sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    ),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
)
