"""Activities as facts, counted into day buckets per community and per kabupaten/kota.

A fact is one activity's latest state: its community and region, its start and local day (in
the zone of the community's place), its phase, attendees and members present; a deleted one
stays as a tombstone so that no older event brings it back. Every fact keeps the id of the last
event applied (`version`): a replay changes no fact, so it moves no bucket.

Buckets of a community are counted again from its facts for the days a batch touched (one
partition writes a community's facts, so the count is exact). Buckets of a kabupaten/kota are
shared by many communities, whose partitions may be handled at once by different workers, so
they move by what each statement changed instead: +1 for a fact on its new day, -1 on the
day it left (a changed start, a deletion).

After each batch the last activity and `active_until` of the communities touched are
recomputed (`reporting.projections.activeness`).
"""

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from uuid import UUID

from kombel_events.activities import (
    ActivityChanged,
    ActivityDeleted,
    ActivityLogged,
    AttendanceRecorded,
)
from kombel_runtime.consumer import Handler, Received, Subscription
from kombel_runtime.projections import TableNames
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.domain.cycle import ORDER
from reporting.domain.periods import local_day
from reporting.projections.activeness import recompute_communities
from reporting.projections.naming import tables_of

# Each statement answers the moves it made: (community, region, day, delta), where delta is
# what the kabupaten/kota's count of that day gains (0 for a change that moves no count).
_WRITE_STATE = """
    WITH incoming AS (
        SELECT DISTINCT ON (activity_id) *
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS e(
            activity_id uuid, community_id uuid, province_code text, kabkota_code text,
            starts_at timestamptz, day date, phase text, attendees int, version uuid
        )
        ORDER BY activity_id, version DESC
    ),
    old AS (
        SELECT f.activity_id, f.community_id, f.province_code, f.kabkota_code, f.day
        FROM {activity_facts} AS f JOIN incoming USING (activity_id)
    ),
    written AS (
        INSERT INTO {activity_facts} AS f (
            activity_id, community_id, province_code, kabkota_code, starts_at, day, phase,
            attendees, version
        )
        SELECT activity_id, community_id, province_code, kabkota_code, starts_at, day, phase,
               attendees, version
        FROM incoming
        ON CONFLICT (activity_id) DO UPDATE
        SET community_id = excluded.community_id, province_code = excluded.province_code,
            kabkota_code = excluded.kabkota_code, starts_at = excluded.starts_at,
            day = excluded.day, phase = excluded.phase, attendees = excluded.attendees,
            version = excluded.version
        WHERE f.version < excluded.version AND NOT f.deleted
        RETURNING f.activity_id, f.community_id, f.province_code, f.kabkota_code, f.day
    )
    SELECT community_id, province_code, kabkota_code, day, 1 AS delta FROM written
    UNION ALL
    SELECT o.community_id, o.province_code, o.kabkota_code, o.day, -1
    FROM old AS o JOIN written AS w USING (activity_id)
"""

_DELETE = """
    WITH incoming AS (
        SELECT DISTINCT ON (activity_id) *
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS e(activity_id uuid, version uuid)
        ORDER BY activity_id, version DESC
    )
    UPDATE {activity_facts} AS f SET deleted = true, version = e.version
    FROM incoming AS e
    WHERE f.activity_id = e.activity_id AND f.version < e.version AND NOT f.deleted
    RETURNING f.community_id, f.province_code, f.kabkota_code, f.day, -1 AS delta
"""

_ATTENDANCE = """
    WITH incoming AS (
        SELECT DISTINCT ON (activity_id) *
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS e(
            activity_id uuid, members_present int, attendees int, version uuid
        )
        ORDER BY activity_id, version DESC
    )
    UPDATE {activity_facts} AS f
    SET members_present = e.members_present, attendees = e.attendees, version = e.version
    FROM incoming AS e
    WHERE f.activity_id = e.activity_id AND f.version < e.version AND NOT f.deleted
    RETURNING f.community_id, f.province_code, f.kabkota_code, f.day, 0 AS delta
"""

_PHASE_BIT = (
    "CASE f.phase "
    + " ".join(f"WHEN '{phase.value}' THEN {1 << i}" for i, phase in enumerate(ORDER))
    + " ELSE 0 END"
)

_BUCKETS = """
    WITH moves AS (
        SELECT * FROM jsonb_to_recordset(CAST(:moves AS jsonb)) AS m(
            community_id uuid, province_code text, kabkota_code text, day date, delta int
        )
    ),
    community_days AS (
        INSERT INTO {community_activity_days} AS b (
            community_id, day, activities, with_attendance, members_present, phases
        )
        SELECT k.community_id, k.day, count(f.activity_id), count(f.members_present),
               coalesce(sum(f.members_present), 0), coalesce(bit_or({phase_bit}), 0)
        FROM (SELECT DISTINCT community_id, day FROM moves) AS k
        LEFT JOIN {activity_facts} AS f
          ON f.community_id = k.community_id AND f.day = k.day AND NOT f.deleted
        GROUP BY k.community_id, k.day
        ON CONFLICT (community_id, day) DO UPDATE
        SET activities = excluded.activities, with_attendance = excluded.with_attendance,
            members_present = excluded.members_present, phases = excluded.phases
    )
    INSERT INTO {region_activity_days} AS r (kabkota_code, day, province_code, activities)
    SELECT kabkota_code, day, min(province_code), sum(delta)
    FROM moves GROUP BY kabkota_code, day HAVING sum(delta) <> 0
    ORDER BY kabkota_code, day  -- one lock order for workers that share these rows
    ON CONFLICT (kabkota_code, day) DO UPDATE SET activities = r.activities + excluded.activities
"""

_TABLES = ("activity_facts", "community_activity_days", "region_activity_days")


@lru_cache(maxsize=64)
def _statement(template: str, facts: str, community_days: str, region_days: str) -> TextClause:
    return text(
        template.format(
            activity_facts=facts,
            community_activity_days=community_days,
            region_activity_days=region_days,
            phase_bit=_PHASE_BIT,
        )
    )


def _state(received: Received[ActivityLogged | ActivityChanged]) -> dict[str, Any]:
    e = received.event
    return {
        "activity_id": str(e.activity_id),
        "community_id": str(e.community_id),
        "province_code": e.province_code,
        "kabkota_code": e.kabkota_code,
        "starts_at": e.starts_at.isoformat(),
        "day": local_day(e.starts_at, e.timezone).isoformat(),
        "phase": e.phase.value,
        "attendees": e.attendees,
        "version": str(received.envelope.id),
    }


def _deletion(received: Received[ActivityDeleted]) -> dict[str, Any]:
    return {"activity_id": str(received.event.activity_id), "version": str(received.envelope.id)}


def _attendance(received: Received[AttendanceRecorded]) -> dict[str, Any]:
    e = received.event
    return {
        "activity_id": str(e.activity_id),
        "members_present": e.members_present,
        "attendees": e.attendees,
        "version": str(received.envelope.id),
    }


def subscriptions(tables: TableNames) -> list[Subscription]:
    names = tables_of(tables, *_TABLES)

    def statement(template: str) -> TextClause:
        return _statement(template, *(names[t] for t in _TABLES))

    buckets = statement(_BUCKETS)

    def handler(template: str, row: Any) -> Handler:
        write = statement(template)

        async def handle(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
            rows = json.dumps([row(r) for r in received])
            moves = [dict(m) for m in (await session.execute(write, {"rows": rows})).mappings()]
            if not moves:
                return  # a replay: nothing changed
            await session.execute(buckets, {"moves": json.dumps(moves, default=str)})
            touched: list[UUID] = sorted({m["community_id"] for m in moves})
            await recompute_communities(session, tables, touched)

        return handle

    state = handler(_WRITE_STATE, _state)
    return [
        Subscription(ActivityLogged, state),
        Subscription(ActivityChanged, state),
        Subscription(ActivityDeleted, handler(_DELETE, _deletion)),
        Subscription(AttendanceRecorded, handler(_ATTENDANCE, _attendance)),
    ]
