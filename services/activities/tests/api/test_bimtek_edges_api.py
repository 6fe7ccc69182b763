"""The bimtek's edges: a roster that names a person of another area, scanners with wrong
clocks, the saga's replies while a roster is being seated, and a re-upload after a refusal."""

import asyncio
import uuid
from types import SimpleNamespace

import pytest
from activities.db.tables import registrations, replica_schools
from activities.saga import cancel_refused
from activities.services.seats import SeatRequest, lock_sessions, place
from kombel_events.person_requests import PersonRequestRefused
from kombel_runtime.auth import Role
from kombel_runtime.ids import uuid7
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import (
    fresh_kabkota,
    fresh_kabkotas,
    province_of,
)
from membership.testing import nuptk, person
from sqlalchemy import func, select

from ..roster_fixtures import a_training, imported, replicated, replicated_school, roster
from ..trainings_fixtures import a_bimtek, people, seats

pytestmark = pytest.mark.infra


async def ticket_of(platform: RunningPlatform, registration_id: uuid.UUID) -> str:
    answer = await platform.client.get(
        f"/activities/registrations/{registration_id}", headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["ticket"])


# A roster row names a person the uploader may not see.


async def test_a_roster_row_does_not_register_a_person_outside_the_uploaders_area(
    platform: RunningPlatform,
) -> None:
    # Kabupaten/kota of their own: the training is theirs, nothing is counted province-wide.
    codes = fresh_kabkotas(2)
    province = province_of(codes[0])
    here, there = codes[:2]
    npsn_here = await replicated_school(platform, here)
    npsn_there = await replicated_school(platform, there)
    stranger = await person(platform, npsn_there, full_name="Orang Kabupaten Lain")
    await replicated(platform, stranger)
    async with platform.runtime("activities").sessions() as session:
        training = await a_training(session, province, [(here, 10), (there, 10)])
    district = platform.auth(Role.DISTRICT_STAFF, kabkota=here)

    # The single registration refuses this person to the district's staff ...
    single = await platform.client.post(
        f"/activities/trainings/{training['id']}/registrations",
        json={"person_id": stranger["id"], "session_id": str(training["sessions"][0]["id"])},
        headers=district,
    )
    assert single.status_code == 422, single.text
    assert single.json()["error"]["code"] == "person_unknown"

    # ... and so does a roster row with only their NUPTK (any name, a school of the
    # district): it is refused as membership refuses it, naming no one.
    content = roster(["Nama Karangan", stranger["nuptk"], "", "", "guru", npsn_here, "", ""])
    done = await imported(
        platform,
        "registrations",
        {"training_id": training["id"], "dry_run": False},
        content,
        district,
    )
    assert (done["status"], done["created"], done["rejected"]) == ("succeeded", 0, 1), done
    listed = await platform.client.get(
        f"/activities/trainings/{training['id']}/registrations", headers=district
    )
    assert listed.status_code == 200, listed.text
    leaked = [i for i in listed.json()["items"] if i["person_id"] == stranger["id"]]
    assert leaked == [], f"a person of another kabupaten/kota was registered and shown: {leaked}"
    errors = (await platform.client.get(done["errors_csv"], headers=district)).text
    assert "sudah terdaftar di wilayah lain" in errors
    assert "Orang Kabupaten Lain" not in errors


# Scan times at the calendar's edge.


@pytest.mark.parametrize("scanned_at", ["0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00"])
async def test_a_scan_at_the_first_day_of_the_calendar_is_refused_not_a_500(
    platform: RunningPlatform, scanned_at: str
) -> None:
    here = fresh_kabkota()
    sessions = platform.runtime("activities").sessions
    bimtek = await a_bimtek(sessions, [here])
    [placed] = await seats(sessions, bimtek.sessions[here], await people(sessions, here, ["Ani"]))
    ticket = await ticket_of(platform, placed.id)
    committee = platform.auth(Role.DISTRICT_STAFF, kabkota=here)

    one = await platform.client.post(
        "/activities/checkins",
        json={"ticket": ticket, "session_id": str(bimtek.sessions[here]), "scanned_at": scanned_at},
        headers=committee,
    )
    assert one.status_code == 422, (one.status_code, one.text)

    batch = await platform.client.post(
        "/activities/checkins/batch",
        json={
            "session_id": str(bimtek.sessions[here]),
            "scans": [{"ticket": ticket, "scanned_at": scanned_at}],
        },
        headers=committee,
    )
    assert batch.status_code == 200, (batch.status_code, batch.text)
    assert batch.json()["results"][0]["code"] == "time_out_of_range"


# A scanner whose clock was reset (1970, 2000).


async def test_a_scan_long_before_the_session_does_not_become_the_check_in_for_good(
    platform: RunningPlatform,
) -> None:
    here = fresh_kabkota()
    sessions = platform.runtime("activities").sessions
    bimtek = await a_bimtek(sessions, [here], today=True)
    [placed] = await seats(sessions, bimtek.sessions[here], await people(sessions, here, ["Ani"]))
    ticket = await ticket_of(platform, placed.id)
    committee = platform.auth(Role.DISTRICT_STAFF, kabkota=here)
    reset_clock = "1970-01-01T07:00:12+07:00"

    answer = await platform.client.post(
        "/activities/checkins/batch",
        json={
            "session_id": str(bimtek.sessions[here]),
            "scans": [{"ticket": ticket, "scanned_at": reset_clock}],
        },
        headers=committee,
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()["results"][0]
    # As the paper list refuses a time more than 12 hours from the session.
    assert result["code"] == "scanned_out_of_range", result


# The saga's replies lock sessions in the order seats take them.


async def test_refusals_lock_sessions_in_the_order_seats_take_them(
    platform: RunningPlatform,
) -> None:

    codes = fresh_kabkotas(2)
    sessions = platform.runtime("activities").sessions
    bimtek = await a_bimtek(sessions, codes)
    low, high = sorted(bimtek.sessions.values())
    # Two pending roster rows: the first in the session with the higher id.
    requests = [
        SeatRequest(high, None, "staf", saga="pending", row_number=2),
        SeatRequest(low, None, "staf", saga="pending", row_number=3),
    ]
    async with sessions() as session, session.begin():
        await place(session, requests, [])
    refusals = [
        SimpleNamespace(
            event=PersonRequestRefused(request_id=r.id, code="identity_conflict", reason="x")
        )
        for r in requests
    ]

    async def importer_chunk(holding_low: asyncio.Event, go: asyncio.Event) -> None:
        # What `seats.place` does for a chunk over both sessions: low first, then high.
        async with sessions() as session, session.begin():
            await lock_sessions(session, [low])
            holding_low.set()
            await go.wait()
            await lock_sessions(session, [high])

    async def consumer() -> None:
        async with sessions() as session, session.begin():
            await cancel_refused(session, refusals)  # type: ignore[arg-type]

    holding_low, go = asyncio.Event(), asyncio.Event()
    chunk = asyncio.create_task(importer_chunk(holding_low, go))
    await holding_low.wait()
    saga = asyncio.create_task(consumer())
    await asyncio.sleep(0.5)  # the saga now holds `high` and waits for `low`
    go.set()
    done = await asyncio.gather(chunk, saga, return_exceptions=True)
    failures = [repr(d) for d in done if isinstance(d, BaseException)]
    assert failures == [], failures


# A re-upload after membership refused a row.


async def test_reuploading_a_roster_with_a_refused_row_changes_nothing(
    platform: RunningPlatform,
) -> None:

    # Kabupaten/kota of their own: the training is theirs, nothing is counted province-wide.
    codes = fresh_kabkotas(1)
    province = province_of(codes[0])
    here = codes[0]
    ghost = f"7{nuptk()[:7]}"  # a school activities knows and membership does not
    async with platform.runtime("activities").sessions() as session:
        async with session.begin():
            await session.execute(
                replica_schools.insert().values(
                    npsn=ghost,
                    name="SD tutup",
                    province_code=province,
                    kabkota_code=here,
                    version=uuid7(),
                )
            )
        training = await a_training(session, province, [(here, 5)])
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    content = roster(["Indah Purba", nuptk(), "", "", "guru", ghost, "", ""])
    target = {"training_id": training["id"], "dry_run": False}
    first = await imported(platform, "registrations", target, content, staff)
    assert first["created"] == 1, first

    async def refused() -> int:
        async with platform.runtime("activities").sessions() as session:
            n = await session.scalar(
                select(func.count())
                .select_from(registrations)
                .where(
                    registrations.c.training_id == training["id"],
                    registrations.c.saga == "refused",
                )
            )
        return int(n or 0)

    await eventually(refused, lambda n: n == 1, timeout_s=60)
    again = await imported(platform, "registrations", target, content, staff)
    assert (again["created"], again["people_requested"], again["rejected"]) == (0, 0, 1), again
    errors = (await platform.client.get(again["errors_csv"], headers=staff)).text
    assert "sudah ditolak membership pada unggahan sebelumnya" in errors
