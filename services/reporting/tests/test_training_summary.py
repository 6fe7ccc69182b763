"""`GET /reporting/trainings/{id}/summary`: a bimtek day as staff watch it, one row per
session, made through activities' own APIs and equal to activities' own counts; a check-in
and a promotion show within seconds; each caller sees only the sessions of their area; the
table downloads as CSV with formula cells defused."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from activities.db.tables import replica_people
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas
from membership.testing import person, school
from sqlalchemy import func, select

pytestmark = pytest.mark.infra

COUNTS = ("registered", "waitlisted", "checked_in")


async def teachers(platform: RunningPlatform, kabkota: str, *names: str) -> list[str]:
    """Teachers of a new school of the kabupaten/kota, once activities knows them all."""
    npsn = await school(platform, kabkota)
    ids = [(await person(platform, npsn, full_name=name))["id"] for name in names]

    async def known() -> int:
        async with platform.runtime("activities").sessions() as session:
            found = await session.scalar(select(func.count()).where(replica_people.c.id.in_(ids)))
            return int(found or 0)

    await eventually(known, lambda n: n == len(ids), timeout_s=30)
    return ids


class Bimtek:
    """A training of the province, made and run through activities' public API."""

    def __init__(self, platform: RunningPlatform, province: str) -> None:
        self.platform = platform
        self.staff = platform.auth(Role.PROVINCE_STAFF, province=province)
        self.province = province
        self.id = ""
        self.sessions: dict[str, str] = {}

    async def schedule(self) -> None:
        created = await self.platform.client.post(
            "/activities/trainings",
            json={
                "title": "Bimtek Penggerak Komunitas Belajar",
                "organiser": "BBGP",
                "province_code": self.province,
                "audience": "Penggerak komunitas belajar",
            },
            headers=self.staff,
        )
        assert created.status_code == 201, created.text
        self.id = created.json()["id"]

    async def session(
        self, kabkota: str, starts: datetime, ends: datetime, capacity: int, venue: str
    ) -> str:
        added = await self.platform.client.post(
            f"/activities/trainings/{self.id}/sessions",
            json={
                "kabkota_code": kabkota,
                "venue": venue,
                "starts_at": starts.isoformat(),
                "ends_at": ends.isoformat(),
                "capacity": capacity,
            },
            headers=self.staff,
        )
        assert added.status_code == 201, added.text
        session_id: str = added.json()["id"]
        self.sessions[kabkota] = session_id
        return session_id

    async def register(self, person_id: str, kabkota: str) -> dict[str, Any]:
        answer = await self.platform.client.post(
            f"/activities/trainings/{self.id}/registrations",
            json={"person_id": person_id, "session_id": self.sessions[kabkota]},
            headers=self.staff,
        )
        assert answer.status_code == 201, answer.text
        registration: dict[str, Any] = answer.json()
        return registration

    async def counts(self) -> dict[str, dict[str, int]]:
        """Activities' own counts per session, as its training page gives them."""
        read = await self.platform.client.get(
            f"/activities/trainings/{self.id}", headers=self.staff
        )
        assert read.status_code == 200, read.text
        return {s["id"]: {c: s[c] for c in COUNTS} for s in read.json()["sessions"]}

    async def summary(self, headers: dict[str, str] | None = None, **params: str) -> Any:
        return await self.platform.client.get(
            f"/reporting/trainings/{self.id}/summary", params=params, headers=headers or self.staff
        )

    async def rollup(self) -> dict[str, Any]:
        answer = await self.summary()
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


def per_session(body: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {i["session_id"]: {c: i[c] for c in COUNTS} for i in body["items"]}


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
    ticket = (
        await platform.client.get(
            f"/activities/registrations/{seat['id']}", headers=platform.auth(Role.NATIONAL_ADMIN)
        )
    ).json()["ticket"]
    scanned = await platform.client.post(
        "/activities/checkins",
        json={"ticket": ticket, "session_id": today},
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=here),
    )
    assert scanned.status_code == 200, scanned.text
    body = await eventually(bimtek.rollup, lambda b: b["totals"]["checked_in"] == 1)
    assert per_session(body)[today]["checked_in"] == 1

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
