"""A bimtek made and run through activities' public API, for the tests of its roll-up."""

from datetime import datetime
from typing import Any

from activities.db.tables import replica_people
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from membership.testing import person, school
from sqlalchemy import func, select

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

    async def registration(self, registration_id: str) -> dict[str, Any]:
        """The registration as activities shows it (with its ticket and check-in time)."""
        read = await self.platform.client.get(
            f"/activities/registrations/{registration_id}",
            headers=self.platform.auth(Role.NATIONAL_ADMIN),
        )
        assert read.status_code == 200, read.text
        found: dict[str, Any] = read.json()
        return found

    async def check_in(self, registration_id: str, kabkota: str) -> None:
        """Checked in at the door by the district's committee, with the ticket the
        registration shows."""
        ticket = (await self.registration(registration_id))["ticket"]
        scanned = await self.platform.client.post(
            "/activities/checkins",
            json={"ticket": ticket, "session_id": self.sessions[kabkota]},
            headers=self.platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
        )
        assert scanned.status_code == 200, scanned.text

    async def offline_scan(self, registration_id: str, kabkota: str, at: datetime) -> None:
        """A scan made offline at `at`, uploaded later in a batch."""
        ticket = (await self.registration(registration_id))["ticket"]
        uploaded = await self.platform.client.post(
            "/activities/checkins/batch",
            json={
                "session_id": self.sessions[kabkota],
                "device_id": "hp-panitia-1",
                "scans": [{"ticket": ticket, "scanned_at": at.isoformat()}],
            },
            headers=self.platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
        )
        assert uploaded.status_code == 200, uploaded.text

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
