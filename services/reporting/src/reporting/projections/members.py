"""Who belongs to each community now, and how many they are.

Rows follow membership's events with the version guard of replicas (`kombel_runtime.replicas`):
a join (or a return after leaving) writes the row, a role change and a leave amend it, and an
older event than the row's changes nothing. A person merged into another or erased keeps their
membership rows in membership itself, so they stay here too (no contact data lives here).

After each batch the members of the communities it touched are counted again into the
directory: a community's events come in order from one partition, so the count is exact and
a replay leaves it as it was.
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from uuid import UUID

from kombel_events.membership import MemberJoined, MemberLeft, MemberRoleChanged
from kombel_runtime.consumer import Handler, Received, Subscription
from kombel_runtime.projections import TableNames
from kombel_runtime.replicas import amend, apply_rows, upsert
from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.projections.naming import table_of, tables_of

_KEY = ("community_id", "person_id")
_IDS = (("community_id", "uuid"), ("person_id", "uuid"))
_MEMBER = (*_IDS, ("role", "text"), ("since", "date"), ("left_on", "date"))

_RECOUNT = """
    UPDATE {community_directory} AS d SET members = m.members
    FROM (
        SELECT c.id AS community_id, (
            SELECT count(*) FROM {community_members} AS x
            WHERE x.community_id = c.id AND x.left_on IS NULL
        ) AS members
        FROM unnest(CAST(:ids AS uuid[])) AS c(id)
    ) AS m
    WHERE d.community_id = m.community_id AND d.members <> m.members
"""


@lru_cache(maxsize=32)
def _recount(directory: str, members: str) -> TextClause:
    return text(_RECOUNT.format(community_directory=directory, community_members=members))


async def recount_members(
    session: AsyncSession, tables: TableNames, community_ids: Sequence[UUID]
) -> None:
    if not community_ids:
        return
    names = tables_of(tables, "community_directory", "community_members")
    statement = _recount(names["community_directory"], names["community_members"]).bindparams(
        bindparam("ids", type_=ARRAY(PG_UUID(as_uuid=True)))
    )
    await session.execute(statement, {"ids": sorted(set(community_ids))})


def _writing(tables: TableNames, statement: TextClause, row: Any) -> Handler:
    async def handle(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
        await apply_rows(session, statement, received, row)
        await recount_members(session, tables, [r.event.community_id for r in received])

    return handle


def subscriptions(tables: TableNames) -> list[Subscription]:
    members = table_of(tables, "community_members")
    joined = _writing(
        tables,
        upsert(members, _KEY, _MEMBER),
        lambda e: {
            "community_id": e.community_id,
            "person_id": e.person_id,
            "role": e.role.value,
            "since": e.since,
            "left_on": None,
        },
    )
    # The date the membership began stays: the role is what changes.
    role_changed = _writing(
        tables,
        amend(members, _KEY, (*_IDS, ("role", "text"))),
        lambda e: {"community_id": e.community_id, "person_id": e.person_id, "role": e.role.value},
    )
    left = _writing(
        tables,
        amend(members, _KEY, (*_IDS, ("left_on", "date"))),
        lambda e: {"community_id": e.community_id, "person_id": e.person_id, "left_on": e.until},
    )
    return [
        Subscription(MemberJoined, joined),
        Subscription(MemberRoleChanged, role_changed),
        Subscription(MemberLeft, left),
    ]
