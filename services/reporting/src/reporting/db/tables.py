"""Read models of the reporting service."""

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
)

region_community_counts = sa.Table(
    "region_community_counts",
    metadata,
    sa.Column("kabkota_code", sa.Text, primary_key=True),
    sa.Column("province_code", sa.Text, nullable=False),
    sa.Column("communities", sa.Integer, nullable=False),
)
