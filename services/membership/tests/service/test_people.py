"""Registering people: a duplicate is named to those who may see its holder, and to anyone
else only as taken elsewhere."""

import pytest
from kombel_runtime.errors import Conflict
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.person_rows import PersonDraft
from kombel_runtime.testing.regions import fresh_kabkota, fresh_kabkotas
from membership.db.tables import people as people_table
from membership.services.people import register_person
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .registered import SOURCE, person, school, staff_of

pytestmark = pytest.mark.infra


async def holders(session: AsyncSession, nuptk: str) -> int:
    async with session.begin():
        count = await session.scalar(
            select(func.count()).select_from(people_table).where(people_table.c.nuptk == nuptk)
        )
    return int(count or 0)


async def test_a_person_is_registered_with_the_place_of_their_school_and_an_event(
    session: AsyncSession,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await school(session, kabkota)
    draft = PersonDraft.model_validate(
        {"full_name": "Rina Sitorus", "school_npsn": npsn, "phone": "0812-3456-7001"}
    )
    async with session.begin():
        row = await register_person(session, staff_of(kabkota), draft, SOURCE)
    assert (row["kabkota_code"], row["phone"], row["status"]) == (
        kabkota,
        "+6281234567001",
        "active",
    )
    async with session.begin():
        types = (
            await session.scalars(select(outbox.c.event_type).where(outbox.c.key == str(row["id"])))
        ).all()
    assert types == ["kombel.membership.person.registered.v1"]


async def test_a_duplicate_is_named_within_reach_and_only_taken_elsewhere(
    session: AsyncSession,
) -> None:
    here, there = fresh_kabkotas(2)
    school_here, school_there = await school(session, here), await school(session, there)
    held = await person(session, school_here)

    again = PersonDraft.model_validate(
        {"full_name": "Guru Lain", "school_npsn": school_here, "nuptk": held["nuptk"]}
    )
    with pytest.raises(Conflict) as seen:
        async with session.begin():
            await register_person(session, staff_of(here), again, SOURCE)
    assert seen.value.code == "person_duplicate"
    assert seen.value.details == [{"existing_id": str(held["id"]), "matched_on": "nuptk"}]

    elsewhere = again.model_copy(update={"school_npsn": school_there})
    with pytest.raises(Conflict) as hidden:
        async with session.begin():
            await register_person(session, staff_of(there), elsewhere, SOURCE)
    assert hidden.value.code == "registered_elsewhere"
    assert hidden.value.details is None
    assert str(held["id"]) not in hidden.value.message
    assert await holders(session, held["nuptk"]) == 1
