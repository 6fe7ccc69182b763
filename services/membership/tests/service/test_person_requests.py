"""The registration saga, membership's side: a requested person is found, registered or
refused as the people import judges a row, and the answer is an event in the outbox."""

import asyncio
import json
from typing import Any
from uuid import UUID

import pytest
from kombel_events.person_requests import (
    PersonRequestAccepted,
    PersonRequested,
    PersonRequestRefused,
    Requester,
)
from kombel_runtime.ids import uuid7
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import eventually
from kombel_runtime.testing.regions import (
    fresh_kabkota,
    fresh_kabkotas,
    neighbour_of,
    province_of,
)
from membership.db.tables import audit_log
from membership.db.tables import people as people_table
from membership.services.person_requests import Reply, answer_person_requests
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .registered import SOURCE, digits, person, school
from .test_people import holders

pytestmark = pytest.mark.infra


def district(kabkota: str) -> Requester:
    return Requester(subject=f"dinas-{kabkota}", roles=["district_staff"], kabkota=kabkota)


def province(code: str) -> Requester:
    return Requester(subject=f"bbgp-{code}", roles=["province_staff"], province=code)


def requested(requester: Requester, npsn: str, **fields: Any) -> PersonRequested:
    body = {"full_name": "Guru Baru", "position": "guru", "nuptk": "1" + digits(15)} | fields
    return PersonRequested(
        request_id=uuid7(),
        requester=requester,
        reason=f"training:{uuid7()}",
        school_npsn=npsn,
        **body,
    )


async def answered(session: AsyncSession, *requests: PersonRequested) -> list[Reply]:
    async with session.begin():
        return await answer_person_requests(session, SOURCE, requests)


async def stored(session: AsyncSession, person_id: UUID) -> dict[str, Any] | None:
    async with session.begin():
        row = (
            (await session.execute(select(people_table).where(people_table.c.id == person_id)))
            .mappings()
            .first()
        )
    return dict(row) if row else None


async def outbox_types(session: AsyncSession, key: Any) -> list[str]:
    async with session.begin():
        found = await session.scalars(
            select(outbox.c.event_type).where(outbox.c.key == str(key)).order_by(outbox.c.id)
        )
        return list(found)


async def test_an_unknown_person_is_registered_and_accepted_with_events_and_an_audit_entry(
    session: AsyncSession,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await school(session, kabkota)
    request = requested(district(kabkota), npsn, email="Rina.Baru@Contoh.sch.id")

    (reply,) = await answered(session, request)

    assert isinstance(reply, PersonRequestAccepted)
    assert (reply.request_id, reply.created) == (request.request_id, True)
    row = await stored(session, reply.person_id)
    assert row is not None
    assert (row["kabkota_code"], row["school_npsn"], row["email"], row["status"]) == (
        kabkota,
        npsn,
        "rina.baru@contoh.sch.id",
        "active",
    )
    assert await outbox_types(session, reply.person_id) == [
        "kombel.membership.person.registered.v1"
    ]
    assert await outbox_types(session, request.request_id) == [
        "kombel.membership.person.request_accepted.v1"
    ]
    async with session.begin():
        entry = (
            (
                await session.execute(
                    select(audit_log).where(audit_log.c.subject == str(reply.person_id))
                )
            )
            .mappings()
            .one()
        )
    assert (entry["actor"], entry["action"]) == (request.requester.subject, "person.registered")
    detail = entry["detail"] if isinstance(entry["detail"], dict) else json.loads(entry["detail"])
    assert detail == {"request": str(request.request_id), "reason": request.reason}


@pytest.mark.parametrize("field", ["nuptk", "email", "phone"])
async def test_a_known_person_is_found_by_each_identity_and_left_as_it_is(
    session: AsyncSession, field: str
) -> None:
    kabkota = fresh_kabkota()
    npsn = await school(session, kabkota)
    held = await person(
        session, npsn, email=f"guru{digits(8)}@contoh.sch.id", phone="0812" + digits(8)
    )
    before = await stored(session, held["id"])
    # The roster spells the person otherwise: a training does not rewrite membership's data.
    given = {
        "nuptk": f"{held['nuptk'][:8]} {held['nuptk'][8:]}",
        "email": held["email"].upper(),
        "phone": "0" + held["phone"][3:],
    }[field]
    request = requested(
        district(kabkota),
        npsn,
        full_name="Nama Lain Di Daftar Hadir",
        position="kepala_sekolah",
        **({"nuptk": None} | {field: given}),
    )

    (reply,) = await answered(session, request)

    assert reply == PersonRequestAccepted(
        request_id=request.request_id, person_id=held["id"], created=False
    )
    assert await stored(session, held["id"]) == before
    assert await outbox_types(session, held["id"]) == ["kombel.membership.person.registered.v1"]


async def refusal(session: AsyncSession, request: PersonRequested) -> PersonRequestRefused:
    (reply,) = await answered(session, request)
    assert isinstance(reply, PersonRequestRefused), reply
    assert reply.request_id == request.request_id
    assert await outbox_types(session, request.request_id) == [
        "kombel.membership.person.request_refused.v1"
    ]
    return reply


async def test_an_unknown_school_is_refused(session: AsyncSession) -> None:
    kabkota = fresh_kabkota()
    request = requested(district(kabkota), digits(8))
    refused = await refusal(session, request)
    assert refused.code == "school_unknown"
    assert "belum terdaftar" in refused.reason
    assert await holders(session, request.nuptk or "") == 0


async def test_a_school_outside_the_requesters_scope_is_refused(session: AsyncSession) -> None:
    there = fresh_kabkota()
    here = neighbour_of(there)  # only the requester's scope: nothing is written there
    npsn = await school(session, there)
    request = requested(district(here), npsn)
    refused = await refusal(session, request)
    assert refused.code == "out_of_scope"
    assert await holders(session, request.nuptk or "") == 0


async def test_a_person_of_another_region_is_refused_without_saying_who(
    session: AsyncSession,
) -> None:
    here, there = fresh_kabkotas(2)
    school_here, school_there = await school(session, here), await school(session, there)
    held = await person(session, school_there)
    request = requested(district(here), school_here, nuptk=held["nuptk"])

    refused = await refusal(session, request)

    assert refused.code == "registered_elsewhere"
    for secret in (str(held["id"]), held["nuptk"], held["full_name"]):
        assert secret not in refused.reason
    assert await holders(session, held["nuptk"]) == 1


async def test_a_person_of_another_kabkota_is_not_moved_by_a_roster(
    session: AsyncSession,
) -> None:
    here, there = fresh_kabkotas(2)
    code = province_of(here)
    school_here, school_there = await school(session, here), await school(session, there)
    held = await person(session, school_there)
    refused = await refusal(session, requested(province(code), school_here, nuptk=held["nuptk"]))
    assert refused.code == "registered_elsewhere"
    assert (await stored(session, held["id"]) or {})["kabkota_code"] == there


async def test_identities_of_two_people_or_a_nip_of_another_are_refused(
    session: AsyncSession,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await school(session, kabkota)
    one = await person(session, npsn)
    other = await person(session, npsn, email=f"guru{digits(8)}@contoh.sch.id", nip=digits(18))

    mixed = await refusal(
        session, requested(district(kabkota), npsn, nuptk=one["nuptk"], email=other["email"])
    )
    assert (mixed.code, mixed.reason) == ("identity_conflict", "Email: sudah dipakai PTK lain")
    nip = await refusal(session, requested(district(kabkota), npsn, nip=other["nip"]))
    assert (nip.code, nip.reason) == ("identity_conflict", "NIP: sudah dipakai PTK lain")


async def test_invalid_fields_are_refused_naming_the_column_not_the_value(
    session: AsyncSession,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await school(session, kabkota)
    bad = await refusal(session, requested(district(kabkota), npsn, nuptk="12345-678"))
    assert (bad.code, bad.reason) == ("invalid", "NUPTK: NUPTK harus 16 angka")
    nobody = await refusal(session, requested(district(kabkota), npsn, nuptk=None))
    assert nobody.code == "invalid"
    assert "NUPTK, email atau nomor HP/WA" in nobody.reason


async def test_requests_for_the_same_new_person_register_them_once(
    session: AsyncSession,
) -> None:
    kabkota = fresh_kabkota()
    code = province_of(kabkota)
    npsn = await school(session, kabkota)
    first = requested(district(kabkota), npsn, phone="0812" + digits(8))
    # Another training's roster, by other staff, knows the same person by their phone.
    second = requested(province(code), npsn, nuptk=first.nuptk, phone=first.phone)

    one, two = await answered(session, first, second)

    assert isinstance(one, PersonRequestAccepted)
    assert isinstance(two, PersonRequestAccepted)
    assert (one.created, two.created) == (True, False)
    assert one.person_id == two.person_id
    assert await holders(session, first.nuptk or "") == 1

    later = requested(district(kabkota), npsn, full_name="Guru Baru Lagi", phone=first.phone)
    (three,) = await answered(session, later.model_copy(update={"nuptk": None}))
    assert isinstance(three, PersonRequestAccepted)
    assert (three.person_id, three.created) == (one.person_id, False)
    assert await holders(session, first.nuptk or "") == 1


async def test_a_batch_answers_each_request_on_its_own_merits(session: AsyncSession) -> None:
    kabkota = fresh_kabkota()
    other = neighbour_of(kabkota)  # only a refused requester's scope
    npsn = await school(session, kabkota)
    batch = [
        requested(district(kabkota), npsn),
        requested(district(kabkota), digits(8)),
        requested(district(other), npsn),
        requested(district(kabkota), npsn),
    ]
    replies = await answered(session, *batch)
    assert [r.request_id for r in replies] == [r.request_id for r in batch]
    assert [getattr(r, "code", "accepted") for r in replies] == [
        "accepted",
        "school_unknown",
        "out_of_scope",
        "accepted",
    ]


async def test_a_person_registered_meanwhile_fails_the_insert_and_is_found_on_retry(
    service_sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    kabkota = fresh_kabkota()
    npsn = await school(session, kabkota)
    first = requested(district(kabkota), npsn)
    second = requested(district(kabkota), npsn, nuptk=first.nuptk)

    async def waiting_on_a_lock() -> int:
        async with session.begin():
            found = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        return int(found or 0)

    async with service_sessions() as one, service_sessions() as two:
        async with one.begin():
            (accepted,) = await answer_person_requests(one, SOURCE, [first])
            # The other consumer decides before this commit, so its insert meets the index.
            racing = asyncio.create_task(answered(two, second))
            await eventually(waiting_on_a_lock, lambda waiting: waiting > 0)
        with pytest.raises(IntegrityError):
            await racing
    # What the consumer runner does with a failed batch: each event again, alone.
    (retried,) = await answered(session, second)
    assert isinstance(accepted, PersonRequestAccepted)
    assert retried == PersonRequestAccepted(
        request_id=second.request_id, person_id=accepted.person_id, created=False
    )
    assert await holders(session, first.nuptk or "") == 1
