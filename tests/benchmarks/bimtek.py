"""A bimtek day (issue 9), each measurement beside a floor measured in the same run.

Sumatera Utara has 33 kabupaten/kota: one session in each, 120 seats, and a roster of 4,324
people new to the platform whose schools spread them 130 or 132 a session, so every session
sends some to its waitlist (`roster`). Every seat's ticket is scanned offline, with 364 second
scans, 4,324 scans in all (`offline_scans`). Then single check-ins at the door (`door`).

Activities' API runs under uvicorn in a process of its own, as a replica runs (`served`); its
workers (relay, consumers, import jobs) stay in this process with the rest of the platform.
Schools, trainings, seats and tickets are made beforehand, untimed, and every timed run starts
once the outboxes are empty. `KOMBEL_BENCH_DOOR_CHECKINS` sets how many check-ins at the
door's pace (2,000: 10 s at 200/s).
"""

import math
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
from activities.db.tables import replica_schools
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from sqlalchemy import func, select

from tests.benchmarks.door import (
    door_checkins,
    door_checkins_wanted,
    door_floor,
    seats_at_the_door,
    seats_needed,
    signed,
)
from tests.benchmarks.imports import schools
from tests.benchmarks.messages import answered
from tests.benchmarks.offline_scans import offline_batches, scans_floor, scans_sent, seated
from tests.benchmarks.report import Result
from tests.benchmarks.roster import roster_csv, roster_floor, uploaded
from tests.benchmarks.served import served, service_environment

PROVINCE = "12"  # Sumatera Utara, 33 kabupaten/kota
ROSTER_ROWS = 4324
CAPACITY = 120
SCHOOLS_PER_PLACE = 2


@dataclass(frozen=True)
class BimtekDay:
    roster: Result
    linked: Result
    roster_floor: Result
    scans: Result
    scans_floor: Result
    door_alone: Result
    door_alone_floor: Result
    door: Result
    door_floor: Result
    queued: Result
    queued_after_link: Result
    received: Result

    def rows(self) -> list[tuple[Result, str]]:
        """Each run with its aim, its floor after it."""
        return [
            (self.roster, "< 3 s"),
            (self.roster_floor, ""),
            (self.linked, ""),
            (self.queued, ""),
            (self.queued_after_link, "< 5 s"),
            (self.received, "none lost, none doubled"),
            (self.scans, "< 2 s"),
            (self.scans_floor, ""),
            (self.door_alone, ""),
            (self.door_alone_floor, ""),
            (self.door, "p99 < 50 ms"),
            (self.door_floor, ""),
        ]


async def bimtek_day(platform: RunningPlatform, folder: Path) -> BimtekDay:
    activities = platform.runtime("activities")
    staff = platform.auth(Role.PROVINCE_STAFF, province=PROVINCE)
    places = [region.code for region in regions().kabkota_of(PROVINCE)]
    place_of = await _schools(platform, places)
    database_url = activities.settings.database_url
    environment = service_environment(activities.settings, role="api")
    async with served("activities", "activities.app:create_app", environment, folder) as api:
        training_id = (await scheduled_training(api, staff, places, CAPACITY))[0]
        content = await roster_csv(api, staff, place_of, ROSTER_ROWS)
        await settled(platform)
        # Every session gets more rows than seats: all but its seats wait.
        waitlisted = ROSTER_ROWS - CAPACITY * len(places)
        started = time.perf_counter()
        roster, linked = await uploaded(
            platform, api, staff, training_id, content, rows=ROSTER_ROWS, waitlisted=waitlisted
        )
        queued, queued_after_link, received = await answered(
            platform, training_id, started + roster.seconds, started + linked.seconds, ROSTER_ROWS
        )
        copied = await roster_floor(database_url, training_id)
        seats = await signed(platform, await seated(platform, training_id))
        batches = offline_batches(seats, ROSTER_ROWS)
        updated = await scans_floor(database_url, training_id, batches)
        await settled(platform)
        scans = await scans_sent(api, staff, batches, len(seats))
        count = door_checkins_wanted()
        _, sessions = await scheduled_training(
            api, staff, places, math.ceil(seats_needed(count) / len(places))
        )
        at_door = await seats_at_the_door(platform, sessions, count)
        await settled(platform)
        door_alone, door = await door_checkins(api, staff, at_door)
    await settled(platform)
    floor_alone, floor = await door_floor(platform, folder, at_door)
    return BimtekDay(
        roster,
        linked,
        copied,
        scans,
        updated,
        door_alone,
        floor_alone,
        door,
        floor,
        queued,
        queued_after_link,
        received,
    )


async def scheduled_training(
    api: httpx.AsyncClient, staff: dict[str, str], places: list[str], capacity: int
) -> tuple[UUID, list[UUID]]:
    """A training of the province with a session in each place, today from 08.00 to 16.00
    local time: its id and its sessions'."""
    response = await api.post(
        "/activities/trainings",
        json={
            "title": "Bimtek Penggerak Komunitas Belajar",
            "organiser": "BBGP Sumatera Utara",
            "province_code": PROVINCE,
            "audience": "Penggerak komunitas belajar PAUD sampai SMK",
        },
        headers=staff,
    )
    response.raise_for_status()
    training_id = UUID(response.json()["id"])
    zone = ZoneInfo(regions().by_code[PROVINCE].timezone.iana)
    day = datetime.now(zone).date()
    sessions = []
    for kabkota in places:
        response = await api.post(
            f"/activities/trainings/{training_id}/sessions",
            json={
                "kabkota_code": kabkota,
                "venue": f"Aula Dinas Pendidikan {regions().by_code[kabkota].display_name}",
                "starts_at": f"{day}T08:00:00",
                "ends_at": f"{day}T16:00:00",
                "capacity": capacity,
            },
            headers=staff,
        )
        response.raise_for_status()
        sessions.append(UUID(response.json()["id"]))
    return training_id, sessions


async def settled(platform: RunningPlatform) -> None:
    """Until every service's outbox is published: a timed run does not share the machine
    with the events of the setup before it."""

    async def unpublished() -> int:
        relays = [platform.runtime(name).relay for name in platform.apps]
        return sum([(await relay.lag())[0] for relay in relays if relay is not None])

    await eventually(unpublished, lambda count: count == 0, timeout_s=180, interval_s=0.2)


async def _schools(platform: RunningPlatform, places: list[str]) -> dict[str, str]:
    """Schools in every kabupaten/kota, once activities' replica has them: NPSN and the name
    of its kabupaten/kota."""
    place_of: dict[str, str] = {}
    for kabkota in places:
        for npsn in (await schools(platform, SCHOOLS_PER_PLACE, kabkota))[1]:
            place_of[npsn] = regions().by_code[kabkota].display_name
    npsns = list(place_of)

    async def known() -> int:
        async with platform.runtime("activities").sessions() as session:
            found = await session.scalar(
                select(func.count())
                .select_from(replica_schools)
                .where(replica_schools.c.npsn.in_(npsns))
            )
        return int(found or 0)

    await eventually(known, lambda count: count == len(npsns), timeout_s=60)
    return place_of
