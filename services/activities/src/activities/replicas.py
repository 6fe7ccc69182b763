"""What activities keeps of membership's data, from membership's events: schools, people
(names, schools and regions, never contacts), communities and who belongs to them.

Of a person's NUPTK, email and phone only their keyed digests are kept
(`activities.identity_key`), by which a training roster's rows find their person; an erased
or merged person keeps none.

Rights inside a community are read from these tables, so a member removed in membership loses
them here as soon as the event arrives. Each replica rebuilds with
`kombel replay activities <name>`.
"""

from collections.abc import Sequence
from typing import Any

from kombel_events.membership import (
    CommunityArchived,
    CommunityRegistered,
    CommunityUpdated,
    MemberJoined,
    MemberLeft,
    MemberRoleChanged,
    PersonErased,
    PersonMerged,
    PersonRegistered,
    PersonUpdated,
    SchoolRegistered,
    SchoolUpdated,
)
from kombel_runtime.consumer import Handler, Received, Subscription
from kombel_runtime.replicas import Replica, amend, apply_rows, upsert
from sqlalchemy import TextClause
from sqlalchemy.ext.asyncio import AsyncSession

from activities.identity_key import digests_of

_SCHOOL = (("npsn", "text"), ("name", "text"), ("province_code", "text"), ("kabkota_code", "text"))
_PERSON = (
    ("id", "uuid"),
    ("full_name", "text"),
    ("school_npsn", "text"),
    ("province_code", "text"),
    ("kabkota_code", "text"),
    ("status", "text"),
    ("merged_into", "uuid"),
    ("identity_digests", "bytea[]"),
)
_COMMUNITY = (
    ("id", "uuid"),
    ("name", "text"),
    ("kind", "text"),
    ("province_code", "text"),
    ("kabkota_code", "text"),
    ("status", "text"),
)
_MEMBERSHIP = (
    ("community_id", "uuid"),
    ("person_id", "uuid"),
    ("role", "text"),
    ("started_on", "date"),
    ("ended_on", "date"),
)


def _handler(statement: TextClause, row: Any) -> Handler:
    async def handle(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
        await apply_rows(session, statement, received, row)

    return handle


def _schools(table: str) -> list[Subscription]:
    write = _handler(
        upsert(table, ("npsn",), _SCHOOL),
        lambda e: {name: getattr(e, name) for name, _ in _SCHOOL},
    )
    return [Subscription(SchoolRegistered, write), Subscription(SchoolUpdated, write)]


def _person_state(e: PersonRegistered | PersonUpdated) -> dict[str, Any]:
    return {
        "id": e.person_id,
        "full_name": e.full_name,
        "school_npsn": e.school_npsn,
        "province_code": e.province_code,
        "kabkota_code": e.kabkota_code,
        "status": "active",
        "merged_into": None,
        # As bytea's text form: the rows travel to PostgreSQL as JSON.
        "identity_digests": [f"\\x{d.hex()}" for d in digests_of(e.model_dump())],
    }


def _people(table: str) -> list[Subscription]:
    write = _handler(upsert(table, ("id",), _PERSON), _person_state)
    merged = (("id", "uuid"), ("status", "text"), ("merged_into", "uuid"), _PERSON[-1])
    # An erased person stays as a row without a name, so no older event brings them back.
    erased = _handler(
        upsert(table, ("id",), _PERSON),
        lambda e: {name: None for name, _ in _PERSON} | {"id": e.person_id, "status": "erased"},
    )
    return [
        Subscription(PersonRegistered, write),
        Subscription(PersonUpdated, write),
        Subscription(
            PersonMerged,
            _handler(
                amend(table, ("id",), merged),
                lambda e: {
                    "id": e.person_id,
                    "status": "merged",
                    "merged_into": e.into_person_id,
                    "identity_digests": None,
                },
            ),
        ),
        Subscription(PersonErased, erased),
    ]


def _community_state(e: CommunityRegistered | CommunityUpdated) -> dict[str, Any]:
    return {
        "id": e.community_id,
        "name": e.name,
        "kind": e.kind.value,
        "province_code": e.province_code,
        "kabkota_code": e.kabkota_code,
        "status": "active",
    }


def _communities(table: str) -> list[Subscription]:
    write = _handler(upsert(table, ("id",), _COMMUNITY), _community_state)
    archived = _handler(
        amend(table, ("id",), (("id", "uuid"), ("status", "text"))),
        lambda e: {"id": e.community_id, "status": "archived"},
    )
    return [
        Subscription(CommunityRegistered, write),
        Subscription(CommunityUpdated, write),
        Subscription(CommunityArchived, archived),
    ]


def _memberships(table: str) -> list[Subscription]:
    key = ("community_id", "person_id")
    joined = _handler(
        upsert(table, key, _MEMBERSHIP),
        lambda e: {
            "community_id": e.community_id,
            "person_id": e.person_id,
            "role": e.role.value,
            "started_on": e.since,
            "ended_on": None,
        },
    )
    # A new role keeps the date the membership began: membership on a past date counts.
    role_changed = _handler(
        amend(table, key, (*_MEMBERSHIP[:3],)),
        lambda e: {"community_id": e.community_id, "person_id": e.person_id, "role": e.role.value},
    )
    left = _handler(
        amend(table, key, (*_MEMBERSHIP[:2], ("ended_on", "date"))),
        lambda e: {"community_id": e.community_id, "person_id": e.person_id, "ended_on": e.until},
    )
    return [
        Subscription(MemberJoined, joined),
        Subscription(MemberRoleChanged, role_changed),
        Subscription(MemberLeft, left),
    ]


REPLICAS = (
    Replica("schools", "replica_schools", _schools),
    Replica("people", "replica_people", _people),
    Replica("communities", "replica_communities", _communities),
    Replica("memberships", "replica_memberships", _memberships),
)


def live_subscriptions() -> list[Subscription]:
    """Every replica's subscriptions on its live table, for one consumer group."""
    return [s for replica in REPLICAS for s in replica.subscriptions(replica.table)]
