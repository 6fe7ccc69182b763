"""Single check-ins at the door: `POST /activities/checkins` of seats not yet checked in, to
activities' API served under uvicorn, first one at a time (what one costs), then at a steady
pace (open loop: what a queue makes of it); beside them, the same against `door_floor`, a bare
FastAPI + asyncpg app doing one indexed UPDATE a request, served and driven the same way over
TCP by `pacer`. Consecutive scans are at different sessions, as at 33 doors at once. Both get
the same few requests first, untimed: connections opened, the service's signing keys loaded.
"""

import asyncio
import json
import os
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from activities.services.seats import REGISTERED, SeatRequest, place
from activities.services.signing_keys import keyring
from kombel_events import IntegrationEvent
from kombel_runtime.database import asyncpg_dsn
from kombel_runtime.outbox import record_events
from kombel_runtime.testing.harness import RunningPlatform

from tests.benchmarks import door_floor as floor_app
from tests.benchmarks.activities import percentiles
from tests.benchmarks.report import Result
from tests.benchmarks.served import served

PACE = 200  # scans a second
WARM_UP = 50
ONE_BY_ONE = 300

# A seat: its registration, its session, its ticket.
Seat = tuple[UUID, UUID, str]


def door_checkins_wanted() -> int:
    """How many check-ins at the steady pace."""
    return int(os.environ.get("KOMBEL_BENCH_DOOR_CHECKINS", "2000"))


def seats_needed(count: int) -> int:
    """The seats that `count` check-ins at the pace take, with those before them."""
    return WARM_UP + ONE_BY_ONE + count


async def signed(platform: RunningPlatform, seats: Sequence[tuple[UUID, UUID]]) -> list[Seat]:
    """Each seat (registration, session) with its ticket, signed as
    `GET /activities/registrations/{id}` signs it."""
    activities = platform.runtime("activities")
    async with activities.sessions() as session:
        keys = await keyring(session, activities.settings)
    return [(registration, place, keys.sign(registration, place)) for registration, place in seats]


async def seats_at_the_door(
    platform: RunningPlatform, sessions: Sequence[UUID], count: int
) -> list[Seat]:
    """The seats of `count` paced check-ins and of those before them, taken in turn at the
    sessions, the way every registration is placed (`seats.place`), for people activities
    need not know."""
    activities = platform.runtime("activities")
    requests = [
        SeatRequest(sessions[n % len(sessions)], uuid.uuid4(), "bench")
        for n in range(seats_needed(count))
    ]
    events: list[IntegrationEvent] = []
    async with activities.sessions() as session, session.begin():
        placed = await place(session, requests, events)
        await record_events(session, activities.source, events)
    if any(p.status != REGISTERED for p in placed):
        raise RuntimeError("the door's sessions are too small for their seats")
    return await signed(platform, [(p.id, p.session_id) for p in placed])


async def _driven(
    client: httpx.AsyncClient,
    path: str,
    bodies: list[dict[str, Any]],
    headers: dict[str, str],
    name: str,
) -> tuple[Result, Result]:
    """The bodies POSTed by `pacer`: after the warm-up, `ONE_BY_ONE` of them one at a time,
    then the rest at `PACE`."""
    alone = bodies[: WARM_UP + ONE_BY_ONE]
    times, seconds = await _paced(client, path, alone, headers, None, WARM_UP)
    one_by_one = Result(f"{name}, one at a time", len(times), seconds, *percentiles(times))
    times, seconds = await _paced(client, path, bodies[len(alone) :], headers, PACE, 0)
    return one_by_one, Result(f"{name}, {PACE}/s", len(times), seconds, *percentiles(times))


async def _paced(
    client: httpx.AsyncClient,
    path: str,
    bodies: list[dict[str, Any]],
    headers: dict[str, str],
    per_second: float | None,
    warm_up: int,
) -> tuple[list[float], float]:
    plan = {
        "base_url": str(client.base_url),
        "path": path,
        "headers": headers,
        "bodies": bodies,
        "per_second": per_second,
        "warm_up": warm_up,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.benchmarks.pacer",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    answer, failure = await process.communicate(json.dumps(plan).encode())
    if process.returncode != 0:
        raise RuntimeError(f"the paced client failed:\n{failure.decode()[-3000:]}")
    times: list[float] = json.loads(answer)["times"]
    return times, json.loads(answer)["seconds"]


async def door_checkins(
    api: httpx.AsyncClient, staff: dict[str, str], seats: list[Seat]
) -> tuple[Result, Result]:
    bodies: list[dict[str, Any]] = [
        {"ticket": ticket, "session_id": str(place)} for _, place, ticket in seats
    ]
    return await _driven(api, "/activities/checkins", bodies, staff, "single check-ins")


async def door_floor(
    platform: RunningPlatform, folder: Path, seats: list[Seat]
) -> tuple[Result, Result]:
    """The bare app driven the same way, on a copy of the same registrations."""
    dsn = asyncpg_dsn(platform.runtime("activities").settings.database_url)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            f"CREATE TABLE {floor_app.TABLE} (LIKE registrations INCLUDING ALL)"
        )
        await connection.execute(
            f"INSERT INTO {floor_app.TABLE} SELECT * FROM registrations WHERE id = ANY($1)",  # noqa: S608
            [registration for registration, _, _ in seats],
        )
        await connection.execute(f"ANALYZE {floor_app.TABLE}")
        environment = {floor_app.DSN_VARIABLE: dsn}
        async with served(
            "door-floor", "tests.benchmarks.door_floor:create_app", environment, folder
        ) as bare:
            bodies: list[dict[str, Any]] = [
                {"id": str(registration)} for registration, _, _ in seats
            ]
            return await _driven(bare, "/checkins", bodies, {}, "floor: bare FastAPI + asyncpg")
    finally:
        await connection.execute(f"DROP TABLE IF EXISTS {floor_app.TABLE}")
        await connection.close()
