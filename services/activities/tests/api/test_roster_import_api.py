"""A training's roster uploaded through the shared import machinery: every valid row gets a
seat or a waitlist place in its session in the order of the file, people the platform does
not know are registered all the same while membership is asked for them, and a re-upload
changes nothing."""

from typing import Any
from uuid import UUID

import pytest
from activities.db.tables import (
    registrations,
    replica_schools,
    training_sessions,
)
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.ids import uuid7
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import (
    fresh_kabkotas,
    neighbour_of,
    province_of,
    province_other_than,
)
from membership.testing import nuptk, person
from sqlalchemy import func, select

from ..roster_fixtures import a_training, imported, noted, replicated, replicated_school, roster

pytestmark = pytest.mark.infra


async def registrations_of(platform: RunningPlatform, training_id: UUID) -> list[dict[str, Any]]:
    async with platform.runtime("activities").sessions() as session:
        rows = await session.execute(
            select(registrations)
            .where(registrations.c.training_id == training_id)
            .order_by(registrations.c.row_number)
        )
        return [dict(r) for r in rows.mappings()]


async def outbox_count(platform: RunningPlatform, training_id: UUID, *types: str) -> int:
    """Events of the training (participants) and its saga's commands in activities' outbox."""
    async with platform.runtime("activities").sessions() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(
                outbox.c.event_type.in_(types),
                outbox.c.data.contains(str(training_id).encode()),
            )
        )
    return int(found or 0)


# What an upload writes (a link comes later, when membership answers).
PARTICIPANTS = (
    "kombel.activities.participant.registered.v1",
    "kombel.activities.participant.waitlisted.v1",
    "kombel.activities.participant.promoted.v1",
    "kombel.activities.participant.cancelled.v1",
    "kombel.membership.person.requested.v1",
)


async def test_a_roster_seats_known_and_new_people_in_order_and_a_reupload_changes_nothing(
    platform: RunningPlatform,
) -> None:
    # Kabupaten/kota of their own: the training is theirs, nothing is counted province-wide.
    codes = fresh_kabkotas(3)
    province = province_of(codes[0])
    here, there, nowhere = codes[:3]
    here_name = regions().get(here)
    assert here_name is not None
    npsn_here, npsn_there, npsn_nowhere = [
        await replicated_school(platform, kabkota) for kabkota in (here, there, nowhere)
    ]
    ani = await person(platform, npsn_here, full_name="Ani Lubis")
    budi = await person(platform, npsn_here, full_name="Budi Santoso", email="budi@contoh.sch.id")
    fajar = await person(platform, npsn_there, full_name="Fajar Nainggolan")
    await replicated(platform, ani, budi, fajar)
    async with platform.runtime("activities").sessions() as session:
        training = await a_training(session, province, [(here, 2), (there, 5)])
    first, second = training["sessions"]
    cita_nuptk, eka_nuptk = nuptk(), nuptk()
    spaced = " ".join(ani["nuptk"][i : i + 4] for i in range(0, 16, 4))
    content = roster(
        ["Ani Lubis", ani["nuptk"], "", "", "guru", npsn_here, "", ""],
        ["Cita Rahma", cita_nuptk, "", "0812-7000-1001", "guru", npsn_here, "", ""],
        [
            "Budi Santoso",
            "",
            "BUDI@contoh.sch.id",
            "",
            "guru",
            npsn_here,
            here_name.display_name.upper(),
            "",
        ],
        ["Ani Lubis", spaced, "", "", "guru", npsn_here, "", ""],
        ["Dedi Siregar", nuptk(), "", "", "guru", npsn_nowhere, "", ""],
        ["Salah NUPTK", "123", "", "", "guru", npsn_here, "", ""],
        ["Tanpa Sekolah", nuptk(), "", "", "guru", "99999999", "", ""],
        ["Eka Putri", eka_nuptk, "", "", "kepala sekolah", npsn_nowhere, "", "s2"],
        ["Fajar Nainggolan", fajar["nuptk"], "", "", "guru", npsn_there, there, ""],
    )
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    target = {"training_id": training["id"]}

    dry = await imported(platform, "registrations", target | {"dry_run": True}, content, staff)
    counts = ("created", "waitlisted", "duplicates", "rejected", "people_requested")
    assert dry["status"] == "succeeded", dry
    assert [dry[c] for c in counts] == [5, 1, 1, 3, 2], dry
    assert await registrations_of(platform, training["id"]) == [], "a dry run seats no one"
    assert await outbox_count(platform, training["id"], *PARTICIPANTS) == 0

    done = await imported(platform, "registrations", target | {"dry_run": False}, content, staff)
    assert [done[c] for c in counts] == [5, 1, 1, 3, 2], done
    # Membership may already have answered (it is quick): pending or linked, never refused.
    assert (done["people_pending"] + done["people_linked"], done["people_refused"]) == (2, 0)
    placed = {r["row_number"]: r for r in await registrations_of(platform, training["id"])}
    assert {n: (r["session_id"], r["status"]) for n, r in placed.items()} == {
        2: (first["id"], "registered"),
        3: (first["id"], "registered"),
        4: (first["id"], "waitlisted"),  # the session was full: the file's order holds
        9: (second["id"], "registered"),
        10: (second["id"], "registered"),
    }
    assert (placed[2]["person_id"], placed[4]["person_id"], placed[10]["person_id"]) == (
        UUID(ani["id"]),
        UUID(budi["id"]),
        UUID(fajar["id"]),
    )
    assert {placed[n]["saga"] for n in (3, 9)} <= {"pending", "linked"}
    assert placed[3]["identity_digests"]
    assert (
        await outbox_count(platform, training["id"], "kombel.membership.person.requested.v1") == 2
    )
    before = await outbox_count(platform, training["id"], *PARTICIPANTS)
    assert before == 7  # four seats, a waitlist place, two requests for people
    async with platform.runtime("activities").sessions() as session:
        counters = (
            await session.execute(
                select(training_sessions.c.registered, training_sessions.c.waitlisted).where(
                    training_sessions.c.id == first["id"]
                )
            )
        ).one()
    assert tuple(counters) == (2, 1)
    errors = noted((await platform.client.get(done["errors_csv"], headers=staff)).text)
    assert set(errors) == {"6", "7", "8"}
    assert "tidak punya sesi" in errors["6"]
    assert "isi Kode Sesi" in errors["6"]
    assert errors["7"].startswith("NUPTK:")
    assert errors["8"] == "NPSN Sekolah: sekolah 99999999 belum terdaftar"
    matches = noted((await platform.client.get(done["matches_csv"], headers=staff)).text)
    assert matches == {"5": "sama dengan baris 2 di berkas ini"}

    again = await imported(platform, "registrations", target | {"dry_run": False}, content, staff)
    assert [again[c] for c in counts] == [0, 0, 6, 3, 0], again
    assert set(
        noted((await platform.client.get(again["matches_csv"], headers=staff)).text).values()
    ) == {
        "sudah terdaftar di pelatihan ini",
        "sama dengan baris 2 di berkas ini",
    }
    assert await outbox_count(platform, training["id"], *PARTICIPANTS) == before

    # Membership, which alone writes people, creates Cita and Eka; their seats are linked.
    async def answered() -> dict[int, dict[str, Any]]:
        return {r["row_number"]: r for r in await registrations_of(platform, training["id"])}

    # The saga crosses two services and Kafka twice: allow a loaded machine its time.
    after = await eventually(
        answered,
        lambda rows: rows[3]["saga"] == "linked" and rows[9]["saga"] == "linked",
        timeout_s=60,
    )
    admin = platform.auth(Role.NATIONAL_ADMIN)
    for row, given in ((3, cita_nuptk), (9, eka_nuptk)):
        made = await platform.client.get(
            f"/membership/people/{after[row]['person_id']}", headers=admin
        )
        assert made.json()["nuptk"] == given
    assert (after[3]["status"], after[9]["status"]) == ("registered", "registered")
    status = (await platform.client.get(f"/activities/imports/{done['id']}", headers=staff)).json()
    assert (status["people_pending"], status["people_linked"], status["people_refused"]) == (
        0,
        2,
        0,
    )


async def test_a_person_membership_refuses_loses_the_seat_with_the_reason_on_the_import(
    platform: RunningPlatform,
) -> None:
    """Activities knew a school that membership does not (any more): membership refuses the
    person, the seat is cancelled with the reason, and the first on the waitlist takes it."""
    # Kabupaten/kota of their own: the training is theirs, nothing is counted province-wide.
    codes = fresh_kabkotas(1)
    province = province_of(codes[0])
    here = codes[0]
    npsn = await replicated_school(platform, here)
    known = await person(platform, npsn, full_name="Hana Tarigan")
    await replicated(platform, known)
    ghost = f"7{nuptk()[:7]}"
    async with platform.runtime("activities").sessions() as session:
        async with session.begin():
            await session.execute(
                replica_schools.insert().values(
                    npsn=ghost,
                    name="SD Negeri yang sudah ditutup",
                    province_code=province,
                    kabkota_code=here,
                    version=uuid7(),
                )
            )
        training = await a_training(session, province, [(here, 1)])
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    done = await imported(
        platform,
        "registrations",
        {"training_id": training["id"], "dry_run": False},
        roster(
            ["Indah Purba", nuptk(), "", "", "guru", ghost, "", ""],
            ["Hana Tarigan", known["nuptk"], "", "", "guru", npsn, "", ""],
        ),
        staff,
    )
    assert (done["created"], done["waitlisted"], done["people_requested"]) == (2, 1, 1), done

    rows = await eventually(
        lambda: registrations_of(platform, training["id"]),
        lambda rows: rows[0]["saga"] == "refused",
        timeout_s=60,
    )
    refusal = f"NPSN Sekolah: sekolah {ghost} belum terdaftar"
    assert (rows[0]["status"], rows[0]["cancel_reason"]) == ("cancelled", refusal)
    assert rows[1]["status"] == "registered", "the first on the waitlist takes the freed seat"
    status = (await platform.client.get(f"/activities/imports/{done['id']}", headers=staff)).json()
    assert (status["people_pending"], status["people_linked"], status["people_refused"]) == (
        0,
        0,
        1,
    )
    errors = noted((await platform.client.get(status["errors_csv"], headers=staff)).text)
    assert errors["2"] == f"Pendaftaran dibatalkan, PTK tidak dapat didaftarkan: {refusal}"


async def test_a_full_session_takes_the_rest_of_the_file_on_its_waitlist_in_row_order(
    platform: RunningPlatform,
) -> None:
    # Kabupaten/kota of their own: the training is theirs, nothing is counted province-wide.
    codes = fresh_kabkotas(1)
    province = province_of(codes[0])
    npsn = await replicated_school(platform, codes[0])
    async with platform.runtime("activities").sessions() as session:
        training = await a_training(session, province, [(codes[0], 2)])
    rows = [[f"Peserta {n}", nuptk(), "", "", "guru", npsn, "", "S1"] for n in range(6)]
    admin = platform.auth(Role.NATIONAL_ADMIN)
    done = await imported(
        platform,
        "registrations",
        {"training_id": training["id"], "dry_run": False},
        roster(*rows),
        admin,
    )
    assert (done["created"], done["waitlisted"], done["people_requested"]) == (6, 4, 6), done
    placed = await registrations_of(platform, training["id"])
    assert [r["status"] for r in placed] == ["registered"] * 2 + ["waitlisted"] * 4
    assert [r["waitlist_seq"] for r in placed[2:]] == sorted(r["waitlist_seq"] for r in placed[2:])


async def test_who_may_upload_a_roster_and_where_district_staff_may_place_rows(
    platform: RunningPlatform,
) -> None:
    # Kabupaten/kota of their own: the training is theirs, nothing is counted province-wide.
    codes = fresh_kabkotas(2)
    province = province_of(codes[0])
    mine, other = codes[:2]
    empty = neighbour_of(mine, other)  # only a refused caller's scope: nothing is written
    npsn = await replicated_school(platform, mine)
    async with platform.runtime("activities").sessions() as session:
        training = await a_training(session, province, [(mine, 10), (other, 10)])
    content = roster(
        ["Rina Sitorus", nuptk(), "", "", "guru", npsn, "", ""],
        ["Sari Dewi", nuptk(), "", "", "guru", npsn, "", "S2"],
    )
    target = {"training_id": training["id"]}
    for headers, expected in (
        (platform.auth(Role.PROVINCE_STAFF, province=province_other_than(province)), 404),
        (platform.auth(Role.DISTRICT_STAFF, kabkota=empty), 404),
        (platform.auth(Role.MEMBER, person=str(UUID(int=1))), 404),
    ):
        response = await platform.client.post(
            "/activities/imports/registrations",
            params=target,
            files={"file": ("peserta.csv", content)},
            headers=headers,
        )
        assert response.status_code == expected, response.text
    missing = await platform.client.post(
        "/activities/imports/registrations",
        files={"file": ("peserta.csv", content)},
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert missing.status_code == 422

    district = platform.auth(Role.DISTRICT_STAFF, kabkota=mine)
    done = await imported(platform, "registrations", target | {"dry_run": True}, content, district)
    assert (done["created"], done["rejected"]) == (1, 1), done
    errors = noted((await platform.client.get(done["errors_csv"], headers=district)).text)
    assert errors["3"].startswith("Kode Sesi: sesi S2")
    assert errors["3"].endswith("di luar kabupaten/kota Anda")
    template = await platform.client.get(
        "/activities/imports/registrations/template.csv", headers=district
    )
    assert template.text.lstrip("\ufeff").splitlines()[0] == (
        "Nama Lengkap,NUPTK,NIP,Email,No. HP/WA,Jabatan,NPSN Sekolah,Kabupaten/Kota,Kode Sesi"
    )


async def test_end_to_end_a_new_person_on_a_roster_is_created_by_membership_and_linked(
    platform: RunningPlatform,
) -> None:
    # Kabupaten/kota of their own: the training is theirs, nothing is counted province-wide.
    codes = fresh_kabkotas(1)
    province = province_of(codes[0])
    npsn = await replicated_school(platform, codes[0])
    async with platform.runtime("activities").sessions() as session:
        training = await a_training(session, province, [(codes[0], 5)])
    new_nuptk = nuptk()
    done = await imported(
        platform,
        "registrations",
        {"training_id": training["id"], "dry_run": False},
        roster(["Gita Simanjuntak", new_nuptk, "", "", "guru", npsn, "", ""]),
        platform.auth(Role.PROVINCE_STAFF, province=province),
    )
    assert (done["created"], done["people_requested"]) == (1, 1), done
    (linked,) = await eventually(
        lambda: registrations_of(platform, training["id"]),
        lambda rows: rows[0]["saga"] == "linked",
        timeout_s=60,
    )
    found = await platform.client.get(
        f"/membership/people/{linked['person_id']}", headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert found.json()["nuptk"] == new_nuptk
