"""The two tables of imports, declared once and created in each importing service's database."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID


@dataclass(frozen=True)
class ImportTables:
    imports: sa.Table
    import_rows: sa.Table


def import_tables(metadata: sa.MetaData) -> ImportTables:
    """`imports` (one job each, its upload kept while it runs) and `import_rows` (the rows a job
    refused or matched, for errors.csv and matches.csv), on the service's metadata."""
    imports = sa.Table(
        "imports",
        metadata,
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
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        # What the file goes into when the kind needs it said (an activity's id), else null.
        sa.Column("target", sa.Text),
    )
    import_rows = sa.Table(
        "import_rows",
        metadata,
        sa.Column(
            "import_id",
            UUID(as_uuid=True),
            sa.ForeignKey("imports.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("row_number", sa.Integer, primary_key=True),
        sa.Column("cells", sa.JSON, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),  # rejected | duplicate | update
        sa.Column("note", sa.Text, nullable=False),
    )
    return ImportTables(imports, import_rows)


def create_import_tables(bind: sa.Connection) -> None:
    """For a service's migration: both tables as declared here."""
    metadata = sa.MetaData()
    import_tables(metadata)
    metadata.create_all(bind)
