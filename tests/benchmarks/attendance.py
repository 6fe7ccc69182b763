"""A paper attendance list of 2,000 names imported into one activity of a community of 2,000
members: timed from the upload to the job's committed end, as the uploader waits for it."""

import asyncio
import time
from dataclasses import dataclass

from activities.db.tables import replica_memberships
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from membership.testing import community, finished_import
from sqlalchemy import func, select

from tests.benchmarks.imports import as_csv, csv_table, people_rows, schools

MEMBERS = 2000


@dataclass(frozen=True)
class AttendanceResult:
    rows: int
    seconds: float


async def _members_known_to_activities(platform: RunningPlatform, community_id: str) -> int:
    async with platform.runtime("activities").sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(replica_memberships)
            .where(replica_memberships.c.community_id == community_id)
        )
    return int(count or 0)


async def import_attendance(platform: RunningPlatform) -> AttendanceResult:
    # Members seeded as an office would: a people import, then a memberships import.
    kabkota, npsns = await schools(platform, 1)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    people = list(people_rows(MEMBERS, npsns))
    registered = await finished_import(platform, "people", as_csv(people), staff)
    assert registered["created"] == MEMBERS, registered
    group = await community(platform, kabkota)
    joined = await finished_import(
        platform,
        "memberships",
        csv_table(
            ["ID Komunitas", "NUPTK", "Peran", "Tanggal Mulai"],
            [
                [group["id"], row[1], "penggerak" if i == 0 else "anggota", "05/01/2026"]
                for i, row in enumerate(people)
            ],
        ),
        staff,
    )
    assert joined["created"] == MEMBERS, joined
    await eventually(
        lambda: _members_known_to_activities(platform, group["id"]),
        lambda count: count == MEMBERS,
        timeout_s=120,
    )
    logged = await platform.client.post(
        f"/activities/communities/{group['id']}/activities",
        json={
            "title": "Lokakarya daring",
            "phase": "refleksi_awal",
            "starts_at": "2026-05-28T09:00:00",
            "duration_minutes": 120,
            "mode": "luring",
            "place": "Aula",
        },
        headers=staff,
    )
    logged.raise_for_status()
    content = csv_table(["Nama Lengkap", "NUPTK"], [[row[0], row[1]] for row in people])

    started = time.perf_counter()
    response = await platform.client.post(
        "/activities/imports/attendance",
        params={"activity_id": logged.json()["id"], "dry_run": "false"},
        files={"file": ("daftar-hadir.csv", content)},
        headers=staff,
    )
    response.raise_for_status()
    location = response.json()["progress"]
    while True:
        status = (await platform.client.get(location, headers=staff)).json()
        if status["status"] in ("succeeded", "failed"):
            break
        await asyncio.sleep(0.01)
    seconds = time.perf_counter() - started
    if status["status"] != "succeeded" or status["created"] != MEMBERS:
        raise RuntimeError(f"attendance import did not add every member: {status}")
    return AttendanceResult(MEMBERS, seconds)
