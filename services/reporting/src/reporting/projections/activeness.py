"""`last_activity_at` and `active_until` of communities, recomputed from their activity facts
and the active rule of their province (the twin in SQL of `reporting.domain.active_rule`).

Each community's facts are written by one partition of the activities topic at a time, so a
recomputation from them is exact and harmless to repeat. It reads a community's facts latest
first through an index and stops at the N-th qualifying one.
"""

from collections.abc import Sequence
from functools import lru_cache
from uuid import UUID

from kombel_runtime.projections import TableNames
from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.domain.active_rule import NATIONAL_DEFAULT
from reporting.projections.naming import tables_of

# The rule of a community's province, else the national default (province_code '').
_RULE = """
    LEFT JOIN LATERAL (
        SELECT a.min_activities, a.window_days, a.min_members_present
        FROM active_rules AS a
        WHERE a.province_code IN (c.province_code, '')
        ORDER BY a.province_code DESC
        LIMIT 1
    ) AS r ON true
"""

_RECOMPUTE = """
    UPDATE {community_directory} AS d
    SET last_activity_at = s.last_at,
        active_until = CASE WHEN d.archived_at IS NULL THEN s.until END
    FROM (
        SELECT c.community_id,
            (
                SELECT f.starts_at FROM {activity_facts} AS f
                WHERE f.community_id = c.community_id AND NOT f.deleted
                ORDER BY f.starts_at DESC LIMIT 1
            ) AS last_at,
            (
                SELECT q.starts_at + make_interval(days => coalesce(r.window_days, :window))
                FROM {activity_facts} AS q
                WHERE q.community_id = c.community_id AND NOT q.deleted
                  AND coalesce(q.members_present, q.attendees)
                      >= coalesce(r.min_members_present, :present)
                ORDER BY q.starts_at DESC
                OFFSET coalesce(r.min_activities, :activities) - 1 LIMIT 1
            ) AS until
        FROM {community_directory} AS c
        {rule}
        WHERE {where}
    ) AS s
    WHERE d.community_id = s.community_id
      AND (
        d.last_activity_at IS DISTINCT FROM s.last_at
        OR d.active_until IS DISTINCT FROM (CASE WHEN d.archived_at IS NULL THEN s.until END)
      )
"""

_DEFAULTS = {
    "activities": NATIONAL_DEFAULT.min_activities,
    "window": NATIONAL_DEFAULT.window_days,
    "present": NATIONAL_DEFAULT.min_members_present,
}


@lru_cache(maxsize=32)
def _statement(directory: str, facts: str, where: str) -> TextClause:
    sql = _RECOMPUTE.format(
        community_directory=directory, activity_facts=facts, rule=_RULE, where=where
    )
    return text(sql)


async def recompute_communities(
    session: AsyncSession, tables: TableNames, community_ids: Sequence[UUID]
) -> None:
    """Recompute the communities named (those the directory holds)."""
    if not community_ids:
        return
    names = tables_of(tables, "community_directory", "activity_facts")
    statement = _statement(
        names["community_directory"], names["activity_facts"], "c.community_id = ANY(:ids)"
    ).bindparams(bindparam("ids", type_=ARRAY(PG_UUID(as_uuid=True))))
    await session.execute(statement, {"ids": list(community_ids), **_DEFAULTS})


async def recompute_province(session: AsyncSession, tables: TableNames, province: str) -> int:
    """Recompute every community of a province after its rule changed, in one statement
    bounded by the province; the number of communities whose standing changed."""
    names = tables_of(tables, "community_directory", "activity_facts")
    statement = _statement(
        names["community_directory"], names["activity_facts"], "c.province_code = :province"
    )
    result = await session.execute(statement, {"province": province, **_DEFAULTS})
    return int(getattr(result, "rowcount", 0) or 0)
