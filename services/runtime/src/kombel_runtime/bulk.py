"""Writing thousands of rows at once: PostgreSQL's COPY, inside the session's transaction.

COPY skips the per-statement work of INSERT, which is what lets an import keep to some
10,000 rows a second; it runs in the caller's transaction, so the rows commit or roll back
with the events and counters written beside them.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession


async def copy_records(
    session: AsyncSession, table: Table | str, records: Sequence[Mapping[str, Any]]
) -> None:
    """COPY the records into `table`; every record has the keys of the first, which name the
    columns. Nothing happens for no records."""
    if not records:
        return
    columns = list(records[0])
    name = table.name if isinstance(table, Table) else table
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        name, records=[tuple(r[c] for c in columns) for r in records], columns=columns
    )
