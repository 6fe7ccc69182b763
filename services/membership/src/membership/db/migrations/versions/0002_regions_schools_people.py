"""Regions (loaded from the shipped data), schools, people, imports and the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import csv
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from kombel_events.regions import DATA
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def upgrade() -> None:
    regions = op.create_table(
        "regions",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("parent_code", sa.Text, sa.ForeignKey("regions.code")),
        sa.Column("timezone", sa.Text, nullable=False),
    )
    with DATA.open(newline="", encoding="utf-8") as data:
        rows = [
            {
                "code": row["code"],
                "name": row["name"],
                "kind": row["kind"],
                "province_code": row["province_code"] or row["code"],
                "parent_code": row["province_code"] or None,
                "timezone": row["timezone"],
            }
            for row in csv.DictReader(data)
        ]
    op.bulk_insert(regions, rows)

    op.create_table(
        "schools",
        sa.Column("npsn", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("jenjang", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("province_code", sa.Text, nullable=False),
        sa.Column("kabkota_code", sa.Text, sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("kecamatan", sa.Text),
        sa.Column("address", sa.Text),
        *_timestamps(),
    )
    op.create_index("ix_schools_region", "schools", ["province_code", "kabkota_code", "npsn"])

    op.create_table(
        "people",
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
        *_timestamps(),
    )
    # An identity belongs to one active person; merged and erased records keep no claim.
    for column in ("nuptk", "nip", "email"):
        op.create_index(
            f"ux_people_{column}",
            "people",
            [column],
            unique=True,
            postgresql_where=sa.text(f"{column} IS NOT NULL AND status = 'active'"),
        )
    op.create_index(
        "ix_people_phone", "people", ["phone"], postgresql_where=sa.text("phone IS NOT NULL")
    )
    op.create_index("ix_people_region", "people", ["province_code", "kabkota_code", "id"])
    op.create_index("ix_people_school", "people", ["school_npsn"])

    op.create_table(
        "imports",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("scope", sa.JSON, nullable=False),
        sa.Column("rows_total", sa.Integer),
        sa.Column("rows_done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("duplicates", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rejected", sa.Integer, nullable=False, server_default="0"),
        sa.Column("headers", sa.JSON),
        sa.Column("error", sa.Text),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "ix_imports_queued",
        "imports",
        ["created_at"],
        postgresql_where=sa.text("status = 'queued'"),
    )
    op.create_table(
        "import_rejections",
        sa.Column(
            "import_id",
            UUID(as_uuid=True),
            sa.ForeignKey("imports.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("row_number", sa.Integer, primary_key=True),
        sa.Column("cells", sa.JSON, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("detail", sa.JSON),
    )


def downgrade() -> None:
    for table in ("audit_log", "import_rejections", "imports", "people", "schools", "regions"):
        op.drop_table(table)
