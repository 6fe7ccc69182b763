"""How long the rows of an import stay: the noted rows (refused, matched) carry the cells of
the uploaded file, names and contacts among them, so they are kept for a while only, and a
person's erasure takes theirs at once."""

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Text, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from kombel_runtime.imports.settings import import_settings
from kombel_runtime.service import ServiceRuntime

log = logging.getLogger(__name__)

_BATCH = 10_000

_PRUNE = text(
    """
    DELETE FROM import_rows WHERE ctid IN (
        SELECT r.ctid FROM import_rows r JOIN imports i ON i.id = r.import_id
        WHERE i.finished_at < now() - make_interval(days => :days)
        LIMIT :batch
    )
    """
)

# A noted row holds the person when one of its cells is their NUPTK, NIP or email as written,
# or a phone number ending in their national number (0812…, 62812…, +62 812-… alike).
_FORGET = text(
    r"""
    DELETE FROM import_rows r
    WHERE EXISTS (
        SELECT 1 FROM json_array_elements_text(r.cells) AS cell(value)
        WHERE lower(btrim(cell.value)) = ANY(:exact)
           OR (:national <> ''
               AND length(regexp_replace(cell.value, '\D', '', 'g')) BETWEEN 9 AND 15
               AND regexp_replace(cell.value, '\D', '', 'g') LIKE '%' || :national)
    )
    """
).bindparams(bindparam("exact", type_=ARRAY(Text)))


def rows_expired(finished_at: datetime | None, days: int) -> bool:
    return finished_at is not None and finished_at < datetime.now(UTC) - timedelta(days=days)


async def prune_import_rows(runtime: ServiceRuntime) -> int:
    """Delete the noted rows of imports that ended longer ago than the retention."""
    days = import_settings(runtime).import_rows_retention_days
    deleted = 0
    while True:
        async with runtime.sessions() as session, session.begin():
            result = await session.execute(_PRUNE, {"days": days, "batch": _BATCH})
        count = int(getattr(result, "rowcount", 0) or 0)
        deleted += count
        if count < _BATCH:
            if deleted:
                log.info("import rows pruned", extra={"rows": deleted})
            return deleted


async def forget_in_import_rows(session: AsyncSession, person: dict[str, Any]) -> None:
    """Delete the noted rows that hold this person's identifiers (in the caller's transaction)."""
    exact = [str(person[f]).strip().lower() for f in ("nuptk", "nip", "email") if person.get(f)]
    phone = person.get("phone") or ""
    national = phone[3:] if phone.startswith("+62") else phone.lstrip("+")
    if exact or national:
        await session.execute(_FORGET, {"exact": exact, "national": national})
