"""The two tables of imports, declared once and created in each importing service's database."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID


@dataclass(frozen=True)
class ImportTables:
    imports: sa.Table
    import_rows: sa.Table
    # The service's own counters beside the shared five (a training roster's `waitlisted`),
    # each an integer column of `imports` that its migration adds.
    counters: tuple[str, ...] = ()


def import_tables(metadata: sa.MetaData, counters: tuple[str, ...] = ()) -> ImportTables:
    """`imports` (one job each, its upload kept while it runs) and `import_rows` (the rows a job
    refused or matched, for errors.csv and matches.csv), on the service's metadata; `counters`
    are the service's own counters."""
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
        *[sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in counters],
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
        # rejected | duplicate | update, or a kind's own (kept, shown in neither csv)
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    return ImportTables(imports, import_rows, counters)


def create_import_tables(bind: sa.Connection) -> None:
    """For a service's migration: both tables as declared here, without a service's own
    counters (a later migration adds those)."""
    metadata = sa.MetaData()
    import_tables(metadata)
    metadata.create_all(bind)
