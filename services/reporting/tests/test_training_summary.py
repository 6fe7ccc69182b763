"""`GET /reporting/trainings/{id}/summary`: a bimtek day as staff watch it, one row per
session, made through activities' own APIs and equal to activities' own counts; a check-in
and a promotion show within seconds; each caller sees only the sessions of their area; the
table downloads as CSV with formula cells defused."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas
from openpyxl import load_workbook
from reporting.db.trainings_tables import training_registrations_rm
from sqlalchemy import select

from .training_fixtures import Bimtek, per_session, teachers

pytestmark = pytest.mark.infra


async def checked_in_at(platform: RunningPlatform, registration_id: str) -> datetime | None:
    """The check-in time in reporting's read model."""
    async with platform.runtime("reporting").sessions() as session:
        at: datetime | None = await session.scalar(
            select(training_registrations_rm.c.checked_in_at).where(
                training_registrations_rm.c.registration_id == registration_id
            )
        )
        return at


async def test_the_rollup_equals_activities_counts_live(platform: RunningPlatform) -> None:
    here, there, elsewhere = fresh_kabkotas(3)
    bimtek = Bimtek(platform, here[:2])
    await bimtek.schedule()
    now = datetime.now(UTC).replace(microsecond=0)
    # Today's session is under way (check-ins are taken); yesterday's is over (no-shows count).
    today = await bimtek.session(
        here, now - timedelta(hours=1), now + timedelta(hours=3), 2, "Aula"
    )
    yesterday = await bimtek.session(
        there, now - timedelta(hours=30), now - timedelta(hours=24), 5, "=1+1 Aula Dinas"
    )
    rina, budi, sari = await teachers(platform, here, "Rina", "Budi", "Sari")
    hasan, dewi = await teachers(platform, there, "Hasan", "Dewi")
    seat = await bimtek.register(rina, here)
    budi_seat = await bimtek.register(budi, here)
    assert (await bimtek.register(sari, here))["status"] == "waitlisted"
    for someone in (hasan, dewi):
        await bimtek.register(someone, there)

    body = await eventually(
        bimtek.rollup,
        lambda b: b["totals"] == {"registered": 4, "waitlisted": 1, "checked_in": 0, "no_show": 2},
    )
    assert per_session(body) == await bimtek.counts()
    rows = {i["session_id"]: i for i in body["items"]}
    assert [i["session_id"] for i in body["items"]] == [yesterday, today]  # by start
    assert (rows[today]["no_show"], rows[yesterday]["no_show"]) == (0, 2)
    assert rows[today]["kabkota_code"] == here
    assert rows[today]["kabkota_name"]
    assert (rows[today]["capacity"], rows[today]["cancelled"]) == (2, False)

    # Rina is checked in at the door with the ticket of her registration.
    await bimtek.check_in(seat["id"], here)
    body = await eventually(bimtek.rollup, lambda b: b["totals"]["checked_in"] == 1)
    assert per_session(body)[today]["checked_in"] == 1
    # A phone that scanned her earlier uploads later: the earlier time holds, she counts once.
    await bimtek.offline_scan(seat["id"], here, now - timedelta(minutes=30))
    earlier = datetime.fromisoformat((await bimtek.registration(seat["id"]))["checked_in_at"])
    assert earlier == now - timedelta(minutes=30)
    await eventually(lambda: checked_in_at(platform, seat["id"]), lambda at: at == earlier)
    assert (await bimtek.rollup())["totals"]["checked_in"] == 1

    # Budi cancels: Sari's place on the waitlist becomes a seat.
    cancelled = await platform.client.post(
        f"/activities/registrations/{budi_seat['id']}/cancel",
        headers=platform.auth(Role.MEMBER, person=budi),
    )
    assert cancelled.status_code == 200, cancelled.text
    body = await eventually(bimtek.rollup, lambda b: b["totals"]["waitlisted"] == 0)
    assert per_session(body)[today] == {"registered": 2, "waitlisted": 0, "checked_in": 1}
    assert per_session(body) == await bimtek.counts()

    # A district sees the sessions it hosts; a district or province without one sees nothing.
    district = await bimtek.summary(platform.auth(Role.DISTRICT_STAFF, kabkota=there))
    assert district.status_code == 200, district.text
    assert [i["session_id"] for i in district.json()["items"]] == [yesterday]
    assert district.json()["totals"] == {
        "registered": 2,
        "waitlisted": 0,
        "checked_in": 0,
        "no_show": 2,
    }
    other_province = "73" if bimtek.province != "73" else "63"
    for outsider in (
        platform.auth(Role.DISTRICT_STAFF, kabkota=elsewhere),
        platform.auth(Role.PROVINCE_STAFF, province=other_province),
        platform.auth(Role.MEMBER, person=rina),
    ):
        refused = await bimtek.summary(outsider)
        assert refused.status_code == 404, refused.text
        assert refused.json()["error"]["code"] == "training_not_found"
    admin = await bimtek.summary(platform.auth(Role.NATIONAL_ADMIN))
    assert per_session(admin.json()) == per_session(body)

    # The table downloads as CSV; a venue that looks like a formula stays text.
    download = await bimtek.summary(format="csv")
    assert download.status_code == 200, download.text
    assert download.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff"))))
    assert table[0][:4] == ["Kode sesi", "Kode kabupaten/kota", "Kabupaten/kota", "Tempat"]
    assert table[1][3] == "'=1+1 Aula Dinas"
    assert table[-1][0] == "Jumlah"
    assert table[-1][8:12] == ["4", "0", "1", "2"]
    workbook = await bimtek.summary(format="xlsx")
    assert workbook.status_code == 200, workbook.text
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True).active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[1][3] == "'=1+1 Aula Dinas"
    assert cells[-1][8:12] == [4, 0, 1, 2]

    # A cancelled session keeps its row, cancelled, with no one in it.
    gone = await platform.client.post(
        f"/activities/trainings/{bimtek.id}/sessions/{yesterday}/cancel",
        json={"reason": "Gedung dipakai"},
        headers=bimtek.staff,
    )
    assert gone.status_code == 200, gone.text
    body = await eventually(bimtek.rollup, lambda b: b["totals"]["no_show"] == 0)
    (row,) = [i for i in body["items"] if i["session_id"] == yesterday]
    assert (row["cancelled"], row["registered"]) == (True, 0)
    assert per_session(body) == await bimtek.counts()


async def test_an_unknown_training_is_not_found(platform: RunningPlatform) -> None:
    answer = await platform.client.get(
        "/reporting/trainings/00000000-0000-7000-8000-000000000000/summary",
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "training_not_found"
