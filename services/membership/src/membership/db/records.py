"""Reading and writing schools and people; each write records its event in the outbox."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from kombel_runtime.parameters import texts
from sqlalchemy import Update, any_, func, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db.tables import communities, memberships, people, schools

# What a person is matched by, in this order; NIP is unique too, but only ever refuses.
PERSON_IDENTITIES = ("nuptk", "email", "phone")
UNIQUE_IDENTITIES = (*PERSON_IDENTITIES, "nip")

# A community's name as `domain.communities.name_key` compares names, in SQL.
community_name_key = func.lower(
    func.btrim(func.regexp_replace(communities.c.name, r"\s+", " ", "g"))
)


async def school(session: AsyncSession, npsn: str, *, lock: bool = False) -> dict[str, Any] | None:
    query = select(schools).where(schools.c.npsn == npsn)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    return dict(row) if row else None


async def schools_by_npsn(session: AsyncSession, npsns: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The registered schools among `npsns`, by NPSN: one query for a chunk or a batch."""
    query = select(schools).where(schools.c.npsn == any_(texts(set(npsns))))
    return {s["npsn"]: dict(s) for s in (await session.execute(query)).mappings()}


async def person(
    session: AsyncSession, person_id: UUID, *, lock: bool = False
) -> dict[str, Any] | None:
    query = select(people).where(people.c.id == person_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    return dict(row) if row else None


People = dict[tuple[str, str], dict[str, Any]]


async def people_holding(
    session: AsyncSession, candidates: Iterable[Mapping[str, Any]], *, excluding: UUID | None = None
) -> People:
    """Active people holding any identity (NUPTK, email, phone, NIP) of the candidates, by
    (field, value): one query for a single request or a whole import chunk."""
    wanted = {f: [c[f] for c in candidates if c.get(f)] for f in UNIQUE_IDENTITIES}
    if not any(wanted.values()):
        return {}
    # The status is written into the SQL, not bound: the unique indexes are partial on
    # status = 'active', and a cached generic plan can use them only if it sees the literal.
    query = select(people).where(
        people.c.status == literal_column("'active'"),
        or_(*(people.c[f] == any_(texts(values)) for f, values in wanted.items() if values)),
    )
    if excluding is not None:
        query = query.where(people.c.id != excluding)
    found: People = {}
    for record in (await session.execute(query)).mappings():
        for f in UNIQUE_IDENTITIES:
            if record[f]:
                found[(f, record[f])] = dict(record)
    return found


def holder(found: People, values: Mapping[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The person the values belong to, matched by NUPTK, then email, then phone, and the
    field that matched."""
    for f in PERSON_IDENTITIES:
        record = found.get((f, values.get(f)))  # type: ignore[arg-type]
        if record is not None:
            return record, f
    return None


async def duplicate_of(
    session: AsyncSession, values: dict[str, Any], *, excluding: UUID | None = None
) -> tuple[dict[str, Any], str] | None:
    """The active person these values belong to, and the field that matched."""
    return holder(await people_holding(session, [values], excluding=excluding), values)


async def current_roles(session: AsyncSession, community_id: UUID) -> dict[UUID, str]:
    """The members of a community now, with their roles."""
    rows = await session.execute(
        select(memberships.c.person_id, memberships.c.role).where(
            memberships.c.community_id == community_id, memberships.c.ended_on.is_(None)
        )
    )
    return dict(rows.tuples().all())


async def role_of(session: AsyncSession, community_id: UUID, person_id: UUID) -> str | None:
    """The person's current role in the community, if they are a member now."""
    role: str | None = await session.scalar(
        select(memberships.c.role).where(
            memberships.c.community_id == community_id,
            memberships.c.person_id == person_id,
            memberships.c.ended_on.is_(None),
        )
    )
    return role


async def roles_of(session: AsyncSession, person_id: UUID) -> dict[UUID, str]:
    """The person's current roles, by community: a teacher belongs to a handful at most."""
    rows = await session.execute(
        select(memberships.c.community_id, memberships.c.role).where(
            memberships.c.person_id == person_id, memberships.c.ended_on.is_(None)
        )
    )
    return dict(rows.tuples().all())


def ending_membership(community_id: UUID, person_id: UUID, day: date) -> Update:
    """Close the current membership (its role) on `day`; the row stays as history."""
    return (
        update(memberships)
        .where(
            memberships.c.community_id == community_id,
            memberships.c.person_id == person_id,
            memberships.c.ended_on.is_(None),
        )
        .values(ended_on=day)
    )


async def end_membership(
    session: AsyncSession, community_id: UUID, person_id: UUID, day: date
) -> None:
    await session.execute(ending_membership(community_id, person_id, day))


def held_by_others(found: People, values: Mapping[str, Any], person_id: UUID | None) -> list[str]:
    """The identities of the values that belong to an active person other than `person_id`
    (any person, when None): a row that would take them cannot be saved."""
    return [
        f
        for f in UNIQUE_IDENTITIES
        if (record := found.get((f, values.get(f)))) is not None  # type: ignore[arg-type]
        and record["id"] != person_id
    ]


async def member_card(session: AsyncSession, person_id: UUID) -> dict[str, Any]:
    """What a community shows of a member: the name and the school, nothing to contact."""
    row = (
        (
            await session.execute(
                select(
                    people.c.full_name, people.c.school_npsn, schools.c.name.label("school_name")
                )
                .join(schools, schools.c.npsn == people.c.school_npsn)
                .where(people.c.id == person_id)
            )
        )
        .mappings()
        .one()
    )
    return dict(row)
