"""A session's paper attendance list as an import: rows find their registration by NUPTK,
email or phone, else by exact name; the earliest time holds, the session counts each
participant once, and only seats are checked in."""

import csv
import io
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from activities.db.tables import registrations, training_sessions
from kombel_runtime.auth import Role
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkotas, neighbour_of, province_of
from membership.testing import nuptk, person, school
from sqlalchemy import func, select

from ..roster_fixtures import a_training, imported, noted, replicated, roster

pytestmark = pytest.mark.infra


def attendance_list(*rows: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["No", "Nama Peserta", "NUPTK", "No. HP/WA", "Jam Hadir"], *rows])
    return buffer.getvalue().encode()


async def checked_in(platform: RunningPlatform, session_id: UUID) -> dict[Any, Any]:
    async with platform.runtime("activities").sessions() as session:
        rows = await session.execute(
            select(registrations.c.row_number, registrations.c.checked_in_at).where(
                registrations.c.session_id == session_id
            )
        )
        times: dict[Any, Any] = {number: at for number, at in rows.tuples()}
        times["counted"] = await session.scalar(
            select(training_sessions.c.checked_in).where(training_sessions.c.id == session_id)
        )
        times["events"] = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(
                outbox.c.event_type == "kombel.activities.participant.checked_in.v1",
                outbox.c.data.contains(str(session_id).encode()),
            )
        )
    return times


async def test_a_paper_list_checks_in_seats_once_and_the_earliest_time_holds(
    platform: RunningPlatform,
) -> None:
    # Kabupaten/kota of their own: the training is theirs, nothing is counted province-wide.
    codes = fresh_kabkotas(1)
    province = province_of(codes[0])
    npsn = await school(platform, codes[0])
    ani = await person(platform, npsn, full_name="Ani Lubis")
    budi = await person(platform, npsn, full_name="Budi Santoso")
    cici = await person(platform, npsn, full_name="Cici Harahap")
    await replicated(platform, ani, budi, cici)
    async with platform.runtime("activities").sessions() as session:
        training = await a_training(session, province, [(codes[0], 3)])
    place = training["sessions"][0]
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    seated = await imported(
        platform,
        "registrations",
        {"training_id": training["id"], "dry_run": False},
        roster(
            ["Ani Lubis", ani["nuptk"], "", "", "guru", npsn, "", ""],
            ["Budi Santoso", budi["nuptk"], "", "", "guru", npsn, "", ""],
            ["Eko Prasetyo", nuptk(), "", "0812-7000-2002", "guru", npsn, "", ""],  # new
            ["Cici Harahap", cici["nuptk"], "", "", "guru", npsn, "", ""],  # waitlisted
        ),
        staff,
    )
    assert (seated["created"], seated["waitlisted"]) == (4, 1), seated
    paper = attendance_list(
        ["1", "Ani Lubis", ani["nuptk"], "", "07.45"],
        ["2", "budi  SANTOSO", "", "", ""],
        ["3", "Eko Prasetyo", "", "+62 812 7000 2002", "25/05/2026 08.10"],
        ["4", "Ani Lubis", ani["nuptk"], "", "07.50"],
        ["5", "Cici Harahap", cici["nuptk"], "", "08.00"],
        ["6", "Orang Lain", "", "", ""],
        ["7", "Dedi", "", "", "jam delapan"],
    )
    target = {"session_id": place["id"]}

    dry = await imported(platform, "checkins", target | {"dry_run": True}, paper, staff)
    assert (dry["created"], dry["duplicates"], dry["rejected"]) == (3, 1, 3), dry
    assert (await checked_in(platform, place["id"]))["counted"] == 0

    done = await imported(platform, "checkins", target | {"dry_run": False}, paper, staff)
    assert (done["created"], done["updated"], done["duplicates"], done["rejected"]) == (
        3,
        0,
        1,
        3,
    ), done
    times = await checked_in(platform, place["id"])
    assert times == {
        2: datetime(2026, 5, 25, 0, 45, tzinfo=UTC),  # 07.45 WIB
        3: datetime(2026, 5, 25, 1, 0, tzinfo=UTC),  # no time: the session's start
        4: datetime(2026, 5, 25, 1, 10, tzinfo=UTC),
        5: None,
        "counted": 3,
        "events": 3,
    }
    errors = noted((await platform.client.get(done["errors_csv"], headers=staff)).text)
    assert errors["6"].startswith("Masih di daftar tunggu")
    assert errors["7"] == "Nama Lengkap: tidak terdaftar di sesi ini"
    assert errors["8"].startswith("Waktu Hadir:")

    later = attendance_list(
        ["1", "Ani Lubis", ani["nuptk"], "", "07.30"],
        ["2", "Budi Santoso", budi["nuptk"], "", "09.00"],
        ["3", "Eko Prasetyo", "", "0812 7000 2002", ""],
    )
    again = await imported(platform, "checkins", target | {"dry_run": False}, later, staff)
    assert (again["created"], again["updated"], again["duplicates"]) == (0, 1, 2), again
    times = await checked_in(platform, place["id"])
    assert times[2] == datetime(2026, 5, 25, 0, 30, tzinfo=UTC), "the earlier time holds"
    assert times[3] == datetime(2026, 5, 25, 1, 0, tzinfo=UTC)
    assert (times["counted"], times["events"]) == (3, 4)

    stranger = await platform.client.post(
        "/activities/imports/checkins",
        params=target,
        files={"file": ("hadir.csv", paper)},
        # A district with no session of the training (nothing is written there).
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=neighbour_of(codes[0])),
    )
    assert stranger.status_code == 404
