"""Logging an activity with its attendance: what a lead does at the end of every meeting.

Requests are sent at a steady pace, each started on schedule whether or not the previous one
has answered (an open loop: a slow answer does not slow the load), and timed from send to
answer. Beside them, the same number of bare asyncpg INSERTs of an activity and its 30
attendance rows, on the same database in the same run: the floor under the API.
"""

import asyncio
import json
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
from kombel_runtime.auth import Role
from kombel_runtime.database import asyncpg_dsn
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota
from membership.testing import community, created, person, school

from tests.benchmarks.report import Result

ATTENDEES = 30


def activities_wanted() -> int:
    return int(os.environ.get("KOMBEL_BENCH_ACTIVITIES", "500"))


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p99 of the times."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def open_loop(
    count: int, per_second: float, send: Callable[[int], Awaitable[None]]
) -> tuple[list[float], float]:
    """`send(0)`, `send(1)`, … each started on schedule, answered or not: the milliseconds
    each took, and the seconds of the whole run."""
    times: list[float] = []

    async def one(number: int) -> None:
        started = time.perf_counter()
        await send(number)
        times.append((time.perf_counter() - started) * 1000)

    began = time.perf_counter()
    sent = []
    for number in range(count):
        await asyncio.sleep(max(0.0, began + number / per_second - time.perf_counter()))
        sent.append(asyncio.ensure_future(one(number)))
    await asyncio.gather(*sent)
    return times, time.perf_counter() - began


async def _community_of(platform: RunningPlatform) -> tuple[str, str, list[str]]:
    """A community with a penggerak and 29 more members, known to activities."""
    admin = platform.auth(Role.NATIONAL_ADMIN)
    kabkota = fresh_kabkota()
    npsn = await school(platform, kabkota)
    group = await community(platform, kabkota)
    members = []
    for number in range(ATTENDEES):
        teacher = await person(platform, npsn, full_name=f"Guru Hadir {number}")
        role = "penggerak" if number == 0 else "anggota"
        await created(
            platform,
            f"/membership/communities/{group['id']}/members",
            {"person_id": teacher["id"], "role": role, "since": "2026-01-05"},
            admin,
        )
        members.append(teacher["id"])
    lead = platform.auth(Role.MEMBER, person=members[0])
    path = f"/activities/communities/{group['id']}/activities"

    async def ready() -> bool:
        body: dict[str, object] = {"person_ids": members}
        response = await platform.client.post(path, json=_meeting(body), headers=lead)
        return response.status_code == 201

    await eventually(ready, bool, timeout_s=60)
    return group["id"], lead["Authorization"], members


def _meeting(attendance: dict[str, object]) -> dict[str, object]:
    return {
        "title": "Pertemuan rutin KKG",
        "phase": "implementasi",
        "starts_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "duration_minutes": 90,
        "mode": "luring",
        "place": "Aula gugus",
        "minutes": "Berbagi praktik baik pembelajaran berdiferensiasi.",
        "attendance": attendance,
    }


async def log_activities(platform: RunningPlatform, count: int, per_second: int) -> Result:
    community_id, authorization, members = await _community_of(platform)
    path = f"/activities/communities/{community_id}/activities"
    body = _meeting({"person_ids": members, "guests": 2})

    async def one(_: int) -> None:
        response = await platform.client.post(
            path, json=body, headers={"Authorization": authorization}
        )
        response.raise_for_status()

    times, seconds = await open_loop(count, per_second, one)
    p50, p99 = percentiles(times)
    return Result(f"activity with {ATTENDEES} attendees, {per_second}/s", count, seconds, p50, p99)


async def bare_inserts(platform: RunningPlatform, count: int) -> Result:
    """An activity row and its attendance rows per round trip pair, straight through asyncpg."""
    settings = platform.embedded.settings["activities"]
    connection = await asyncpg.connect(asyncpg_dsn(settings.database_url))
    people = [uuid.uuid4() for _ in range(ATTENDEES)]
    times: list[float] = []
    began = time.perf_counter()
    try:
        for _ in range(count):
            started = time.perf_counter()
            activity = uuid.uuid4()
            async with connection.transaction():
                await connection.execute(
                    "INSERT INTO activities (id, community_id, province_code, kabkota_code, "
                    "title, phase, starts_at, timezone, duration_minutes, mode, place, minutes, "
                    "follow_ups, speakers, recorded_by) VALUES ($1, $2, '12', '12.11', "
                    "'Pertemuan rutin KKG', 'implementasi', now(), 'WIB', 90, 'luring', "
                    "'Aula gugus', 'Berbagi praktik baik.', $3, $3, 'bench')",
                    activity,
                    uuid.uuid4(),
                    json.dumps([]),
                )
                await connection.executemany(
                    "INSERT INTO attendance (activity_id, person_id, recorded_by) "
                    "VALUES ($1, $2, 'bench')",
                    [(activity, p) for p in people],
                )
            times.append((time.perf_counter() - started) * 1000)
    finally:
        await connection.close()
    p50, p99 = percentiles(times)
    return Result(
        f"floor: bare asyncpg INSERTs (1 + {ATTENDEES} rows)",
        count,
        time.perf_counter() - began,
        p50,
        p99,
    )
