"""`kombel seed --demo`: a believable province built through the public APIs, as its offices
would build it: spreadsheets of schools, teachers, communities and members imported into
membership; each community's lead logging a year of meetings with who came; the BBGP's bimtek
with a session in every kabupaten/kota, its roster uploaded and the committees' paper
attendance lists.

No database is touched: what the dashboard then shows went through every service's API, its
outbox, Kafka and the consumers, as real work does. A second run finds the first (its first
school, then its bimtek) and skips what is there: imports change nothing the second time,
communities that have meetings get none more, and an existing bimtek is left alone.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kombel_events.regions import regions
from kombel_runtime.auth import Role

from reporting.demo.plan import Bimtek, Community, Meeting, ProvincePlan
from reporting.demo.platform_api import DemoError, PlatformApi, csv_file

# Meetings are logged by many leads at once, within what one address may send.
CONCURRENCY = 8
# How long a lead's first meeting may wait for activities to learn of the community and its
# members from membership's events.
REPLICA_WAIT_S = 120.0

Say = Callable[[str], None]


@dataclass
class Seeded:
    """What the demo made (or found made)."""

    skipped: bool = False
    schools: int = 0
    people: int = 0
    communities: int = 0
    memberships: int = 0
    meetings: int = 0
    training_id: str | None = None
    registered: int = 0
    checked_in: int = 0


class DemoSeed:
    def __init__(self, api: PlatformApi, plan: ProvincePlan, say: Say) -> None:
        self.api = api
        self.plan = plan
        self.say = say
        self.staff = api.auth(Role.PROVINCE_STAFF, province=plan.province_code)
        self.community_ids: dict[tuple[str, str], str] = {}
        self.person_ids: dict[str, str] = {}
        self.result = Seeded()

    async def run(self) -> Seeded:
        plan = self.plan
        self.say(
            f"Provinsi demo {plan.province_name} ({plan.province_code}): "
            f"{len(plan.kabkotas)} kabupaten/kota, {len(plan.schools)} sekolah, "
            f"{len(plan.people)} PTK, {len(plan.communities)} komunitas, "
            f"{len(plan.meetings)} kegiatan"
        )
        started = await self._started_before()
        if started and await self._training() is not None:
            self.say("Provinsi demo sudah lengkap (bimteknya ada); tidak ada yang diubah.")
            self.result.skipped = True
            return self.result
        if started:
            self.say("Provinsi demo sudah dimulai sebelumnya; melanjutkan yang belum ada.")
        await self._timed(
            "sekolah, PTK, komunitas dan anggota (impor membership)", self.import_membership
        )
        await self._timed("kegiatan setahun terakhir", lambda: self._meetings(resume=started))
        await self._timed("bimtek, daftar peserta dan daftar hadir", self._bimtek)
        return self.result

    async def _timed(self, what: str, step: Callable[[], Any]) -> None:
        began = time.perf_counter()
        self.say(f"… {what}")
        await step()
        self.say(f"   selesai dalam {time.perf_counter() - began:.0f} detik")

    async def _started_before(self) -> bool:
        admin = self.api.auth(Role.NATIONAL_ADMIN)
        response = await self.api.send(
            "GET", f"/membership/schools/{self.plan.marker_npsn}", admin, expect=(200, 404)
        )
        return response.status_code == 200

    async def _training(self) -> dict[str, Any] | None:
        trainings = await self.api.every("/activities/trainings", self.staff, {"limit": 200})
        return next((t for t in trainings if t["title"] == self.plan.bimtek_title), None)

    # Membership

    async def import_membership(self) -> None:
        """Schools, people, communities and members from spreadsheets, as a Dinas keeps them;
        then the ids membership gave the communities and people."""
        plan = self.plan
        schools = csv_file(
            ["NPSN", "Nama Sekolah", "Jenjang", "Status", "Kabupaten/Kota"],
            [(s.npsn, s.name, s.jenjang, s.status, s.kabkota_code) for s in plan.schools],
        )
        await self._import("schools", schools, "sekolah")
        people = csv_file(
            ["Nama Lengkap", "NUPTK", "Email", "Jabatan", "NPSN Sekolah"],
            [(p.full_name, p.nuptk, p.email, p.position, p.school_npsn) for p in plan.people],
        )
        await self._import("people", people, "PTK")
        communities = csv_file(
            [
                "Nama Komunitas",
                "Jenis",
                "Forum",
                "Jenjang",
                "Kabupaten/Kota",
                "Mata Pelajaran",
                "NPSN Sekolah Induk",
            ],
            [
                (
                    c.name,
                    c.kind,
                    c.forum_type,
                    ",".join(c.jenjang),
                    c.kabkota_code,
                    c.subject_name,
                    c.host_npsn,
                )
                for c in plan.communities
            ],
        )
        await self._import("communities", communities, "komunitas")
        await self._directory()
        members = csv_file(
            ["ID Komunitas", "NUPTK", "Peran", "Tanggal Mulai"],
            [
                (self.community_ids[(c.kabkota_code, c.name)], nuptk, role, since.isoformat())
                for c in plan.communities
                for nuptk, role, since in c.members
            ],
        )
        await self._import("memberships", members, "anggota komunitas")
        self.result.schools = len(plan.schools)
        self.result.people = len(plan.people)
        self.result.communities = len(plan.communities)
        self.result.memberships = sum(len(c.members) for c in plan.communities)

    async def _import(self, kind: str, content: bytes, label: str) -> None:
        status = await self.api.imported(
            f"/membership/imports/{kind}", content, self.staff, filename=f"{kind}.csv"
        )
        self.say(
            f"   {label}: {status['rows_total']} baris, {status['created']} baru, "
            f"{status['duplicates']} sudah ada, {status['rejected']} ditolak"
        )
        if status["rejected"]:
            raise DemoError(f"impor {label}: {status['rejected']} baris ditolak")

    async def _directory(self) -> None:
        """Ids of the demo's communities and people, as membership gave them."""
        for kabkota in self.plan.kabkotas:
            params = {"kabkota": kabkota, "limit": 500}
            for c in await self.api.every("/membership/communities", self.staff, params):
                self.community_ids[(c["kabkota_code"], c["name"])] = c["id"]
            for p in await self.api.every("/membership/people", self.staff, params):
                if p["nuptk"]:
                    self.person_ids[p["nuptk"]] = p["id"]

    # Activities

    async def _meetings(self, *, resume: bool) -> None:
        if not self.person_ids:
            await self._directory()
        meetings = self.plan.meetings
        if resume:
            meetings = [m for m in meetings if m.community not in await self._with_meetings()]
        gate = asyncio.Semaphore(CONCURRENCY)
        done = 0
        began = time.perf_counter()

        async def one(meeting: Meeting) -> None:
            nonlocal done
            async with gate:
                await self._log(meeting)
            done += 1
            if done % 500 == 0 or done == len(meetings):
                rate = done / (time.perf_counter() - began)
                self.say(f"   {done}/{len(meetings)} kegiatan ({rate:.0f}/detik)")

        await asyncio.gather(*(one(m) for m in meetings))
        self.result.meetings = len(self.plan.meetings)

    async def _with_meetings(self) -> set[Community]:
        found = set()
        for community in self.plan.communities:
            page = await self.api.json(
                "GET",
                f"/activities/communities/{self._id(community)}/activities",
                self.staff,
                params={"limit": 1},
            )
            if page["items"]:
                found.add(community)
        return found

    def _id(self, community: Community) -> str:
        return self.community_ids[(community.kabkota_code, community.name)]

    async def _log(self, meeting: Meeting) -> None:
        community = meeting.community
        lead = self.api.auth(Role.MEMBER, person=self.person_ids[community.lead])
        body: dict[str, Any] = {
            "title": meeting.title,
            "phase": meeting.phase,
            "starts_at": meeting.starts_at.isoformat(),
            "duration_minutes": 90,
            "mode": meeting.mode,
            "attendance": {
                "person_ids": [self.person_ids[n] for n in meeting.present],
                "guests": meeting.guests,
            },
        }
        if meeting.mode == "daring":
            body["meeting_url"] = "https://meet.example/" + self._id(community)[:8]
        else:
            body["place"] = "Ruang guru" if community.kind == "dalam_sekolah" else "Aula gugus"
        if meeting.good_practice:
            body |= {"good_practice": True, "good_practice_summary": meeting.good_practice}
        path = f"/activities/communities/{self._id(community)}/activities"
        deadline = time.monotonic() + REPLICA_WAIT_S
        while True:
            # Until activities' copy of membership knows the community, its lead and the
            # members present, the lead is refused; that copy follows within seconds.
            response = await self.api.send(
                "POST", path, lead, json=body, expect=(201, 403, 404, 422)
            )
            if response.status_code == 201:
                return
            if time.monotonic() > deadline:
                raise DemoError(f"POST {path}: {response.status_code} {response.text[:300]}")
            await asyncio.sleep(1.0)

    # The bimtek

    async def _bimtek(self) -> None:
        bimtek = self.plan.bimtek
        assert bimtek is not None
        if not self.person_ids:
            await self._directory()
        training = await self._training()
        if training is not None:
            self.say("   bimtek sudah ada; dilewati")
            self.result.training_id = training["id"]
            return
        training = await self.api.json(
            "POST",
            "/activities/trainings",
            self.staff,
            json={
                "title": self.plan.bimtek_title,
                "organiser": f"BBGP {self.plan.province_name}",
                "province_code": self.plan.province_code,
                "audience": "Penggerak komunitas belajar PAUD sampai SMK",
            },
        )
        sessions = await self._sessions(training["id"], bimtek)
        roster = csv_file(
            ["Nama Lengkap", "NUPTK", "Email", "Jabatan", "NPSN Sekolah", "Kabupaten/Kota"],
            [
                (p.full_name, p.nuptk, p.email, p.position, p.school_npsn, p.kabkota_code)
                for p in bimtek.roster
            ],
        )
        status = await self.api.imported(
            "/activities/imports/registrations",
            roster,
            self.staff,
            params={"training_id": training["id"]},
            filename="peserta-bimtek.csv",
        )
        self.say(
            f"   daftar peserta: {status['rows_total']} baris, {status['created']} terdaftar, "
            f"{status['rejected']} ditolak"
        )
        # Each district's committee uploads its own list, several at once.
        gate = asyncio.Semaphore(4)

        async def uploaded(kabkota: str, session_id: str) -> None:
            async with gate:
                await self._attendance_list(kabkota, session_id, bimtek)

        await asyncio.gather(*(uploaded(k, s) for k, s in sessions.items()))
        self.result.training_id = training["id"]
        self.result.registered = len(bimtek.roster)
        self.result.checked_in = len(bimtek.came)

    async def _sessions(self, training_id: str, bimtek: Bimtek) -> dict[str, str]:
        sessions = {}
        day = bimtek.day.isoformat()
        for kabkota in self.plan.kabkotas:
            place = regions().by_code[kabkota].display_name
            session = await self.api.json(
                "POST",
                f"/activities/trainings/{training_id}/sessions",
                self.staff,
                json={
                    "kabkota_code": kabkota,
                    "venue": f"Aula Dinas Pendidikan {place}",
                    "starts_at": f"{day}T08:00:00",
                    "ends_at": f"{day}T16:00:00",
                    "capacity": bimtek.capacity[kabkota],
                },
            )
            sessions[kabkota] = session["id"]
        return sessions

    async def _attendance_list(self, kabkota: str, session_id: str, bimtek: Bimtek) -> None:
        """The district committee's paper list of who came, uploaded after the morning."""
        came = [p for p in bimtek.roster if p.kabkota_code == kabkota and p.nuptk in bimtek.came]
        if not came:
            return
        content = csv_file(
            ["Nama Lengkap", "NUPTK", "Waktu Hadir"],
            [(p.full_name, p.nuptk, bimtek.came[p.nuptk]) for p in came],
        )
        await self.api.imported(
            "/activities/imports/checkins",
            content,
            self.api.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
            params={"session_id": session_id},
            filename=f"daftar-hadir-{kabkota}.csv",
        )


def local_now(province_code: str) -> datetime:
    zone = ZoneInfo(regions().by_code[province_code].timezone.iana)
    return datetime.now(zone).replace(tzinfo=None)
