"""Reading and writing schools and people; each write records its event in the outbox."""

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Update, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db.tables import memberships, people, schools

PERSON_IDENTITIES = ("nuptk", "email", "phone")


async def school(session: AsyncSession, npsn: str) -> dict[str, Any] | None:
    row = (await session.execute(select(schools).where(schools.c.npsn == npsn))).mappings().first()
    return dict(row) if row else None


async def person(
    session: AsyncSession, person_id: UUID, *, lock: bool = False
) -> dict[str, Any] | None:
    query = select(people).where(people.c.id == person_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    return dict(row) if row else None


async def duplicate_of(
    session: AsyncSession, values: dict[str, Any], *, excluding: UUID | None = None
) -> tuple[UUID, str] | None:
    """The active person these values belong to, matched by NUPTK, then email, then phone."""
    wanted = {field: values.get(field) for field in PERSON_IDENTITIES if values.get(field)}
    if not wanted:
        return None
    query = select(people.c.id, *(people.c[f] for f in PERSON_IDENTITIES)).where(
        people.c.status == "active",
        or_(*(people.c[field] == value for field, value in wanted.items())),
    )
    if excluding is not None:
        query = query.where(people.c.id != excluding)
    rows = (await session.execute(query)).mappings().all()
    for field in PERSON_IDENTITIES:
        for row in rows:
            if field in wanted and row[field] == wanted[field]:
                return row["id"], field
    return None


async def current_roles(session: AsyncSession, community_id: UUID) -> dict[UUID, str]:
    """The members of a community now, with their roles."""
    rows = await session.execute(
        select(memberships.c.person_id, memberships.c.role).where(
            memberships.c.community_id == community_id, memberships.c.ended_on.is_(None)
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


async def count(session: AsyncSession, query: Any) -> int:
    return int(
        (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    )
