"""The community directory and the count of communities per kabupaten/kota.

A community enters the directory with its registration (or its first update, when the
registration is older than the topic keeps) and changes with each later event; every row keeps
the id of the last event applied (`version`), so a replayed or late event changes nothing.
The count per kabupaten/kota moves only by what a statement actually changed: a new community,
one that moved to another kabupaten/kota, one archived. A batch of events is one statement.

Members, the last activity and `active_until` are kept by their own handlers; a community that
enters after some of its activities or members (the topics are read independently) gets
them computed as it enters.
"""

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from uuid import UUID

from kombel_events.membership import CommunityArchived, CommunityRegistered, CommunityUpdated
from kombel_runtime.consumer import Handler, Received, Subscription
from kombel_runtime.projections import TableNames
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.projections.activeness import recompute_communities
from reporting.projections.members import recount_members
from reporting.projections.naming import tables_of

# Moves of the count per kabupaten/kota, from the rows before (`old`) and after (`written`).
_COUNT_CHANGES = """
    deltas AS (
        SELECT kabkota_code, province_code, 1 AS delta FROM written WHERE archived_at IS NULL
        UNION ALL
        SELECT o.kabkota_code, o.province_code, -1
        FROM old AS o JOIN written AS w USING (community_id)
        WHERE o.archived_at IS NULL
    ),
    counted AS (
        INSERT INTO {region_community_counts} (kabkota_code, province_code, communities)
        SELECT kabkota_code, min(province_code), sum(delta)
        FROM deltas GROUP BY kabkota_code HAVING sum(delta) <> 0
        ORDER BY kabkota_code  -- one lock order for workers that share these rows
        ON CONFLICT (kabkota_code) DO UPDATE
        SET communities = {region_community_counts}.communities + excluded.communities
    )
"""

_ENTER_OR_CHANGE = """
    WITH incoming AS (
        SELECT DISTINCT ON (community_id) *
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS e(
            community_id uuid, name text, kind text, forum_type text, jenjang text[],
            province_code text, kabkota_code text, registered_at timestamptz, version uuid
        )
        ORDER BY community_id, version DESC
    ),
    old AS (
        SELECT d.community_id, d.kabkota_code, d.province_code, d.archived_at
        FROM {community_directory} AS d JOIN incoming USING (community_id)
    ),
    written AS (
        INSERT INTO {community_directory} AS d (
            community_id, name, kind, forum_type, jenjang, province_code, kabkota_code,
            registered_at, version
        )
        SELECT community_id, name, kind, forum_type, jenjang, province_code, kabkota_code,
               registered_at, version
        FROM incoming
        ON CONFLICT (community_id) DO UPDATE
        SET name = excluded.name, kind = excluded.kind, forum_type = excluded.forum_type,
            jenjang = excluded.jenjang, province_code = excluded.province_code,
            kabkota_code = excluded.kabkota_code, version = excluded.version
        WHERE d.version IS NULL OR d.version < excluded.version
        RETURNING d.community_id, d.kabkota_code, d.province_code, d.archived_at
    ),
    {count_changes}
    SELECT w.community_id FROM written AS w LEFT JOIN old AS o USING (community_id)
    WHERE o.community_id IS NULL
"""

_ARCHIVE = """
    WITH incoming AS (
        SELECT DISTINCT ON (community_id) *
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS e(
            community_id uuid, archived_at timestamptz, version uuid
        )
        ORDER BY community_id, version DESC
    ),
    old AS (
        SELECT d.community_id, d.kabkota_code, d.province_code, d.archived_at
        FROM {community_directory} AS d JOIN incoming USING (community_id)
    ),
    written AS (
        UPDATE {community_directory} AS d
        SET archived_at = coalesce(d.archived_at, e.archived_at), active_until = NULL,
            version = e.version
        FROM incoming AS e
        WHERE d.community_id = e.community_id
          AND (d.version IS NULL OR d.version < e.version)
        RETURNING d.community_id, d.kabkota_code, d.province_code, d.archived_at
    ),
    {count_changes}
    SELECT community_id FROM written
"""


@lru_cache(maxsize=32)
def _statement(template: str, directory: str, counts: str) -> TextClause:
    changes = _COUNT_CHANGES.format(region_community_counts=counts)
    return text(template.format(community_directory=directory, count_changes=changes))


def _rows(received: Sequence[Received[Any]], *, registered_by_envelope: bool = False) -> str:
    rows = []
    for r in received:
        row = r.event.model_dump(mode="json") | {"version": str(r.envelope.id)}
        if registered_by_envelope:
            row["registered_at"] = r.envelope.time.isoformat()
        rows.append(row)
    return json.dumps(rows)


def subscriptions(tables: TableNames) -> list[Subscription]:
    names = tables_of(tables, "community_directory", "region_community_counts")
    enter = _statement(
        _ENTER_OR_CHANGE, names["community_directory"], names["region_community_counts"]
    )
    archive = _statement(_ARCHIVE, names["community_directory"], names["region_community_counts"])

    def entering(with_registration: bool) -> Handler:
        async def handle(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
            # An update of a community the directory never saw registered enters it, with the
            # time of that update standing for its registration.
            rows = _rows(received, registered_by_envelope=not with_registration)
            entered = await session.execute(enter, {"rows": rows})
            new: list[UUID] = list(entered.scalars())
            await recount_members(session, tables, new)
            await recompute_communities(session, tables, new)

        return handle

    async def archived(
        session: AsyncSession, received: Sequence[Received[CommunityArchived]]
    ) -> None:
        await session.execute(archive, {"rows": _rows(received)})

    return [
        Subscription(CommunityRegistered, entering(True)),
        Subscription(CommunityUpdated, entering(False)),
        Subscription(CommunityArchived, archived),
    ]
