"""The scans of an offline day, sent once the scanners are back online: each session's as one
`POST /activities/checkins/batch` (a batch is one session's), one after the other; and the floor
under them, the same batches as bare `UPDATE … FROM unnest(…)` through asyncpg on a copy of the
registrations, so that the real check-ins stay as they were."""

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from activities.db.tables import registrations
from kombel_runtime.database import asyncpg_dsn
from kombel_runtime.testing.harness import RunningPlatform
from sqlalchemy import select

from tests.benchmarks.door import Seat
from tests.benchmarks.report import Result

BATCH_MOST = 500


async def seated(platform: RunningPlatform, training_id: UUID) -> list[tuple[UUID, UUID]]:
    """The seats of the training (registration, session), in the roster's order."""
    async with platform.runtime("activities").sessions() as session:
        rows = await session.execute(
            select(registrations.c.id, registrations.c.session_id)
            .where(
                registrations.c.training_id == training_id, registrations.c.status == "registered"
            )
            .order_by(registrations.c.row_number)
        )
        return [(registration, place) for registration, place in rows.tuples()]


# One offline batch: its session, and its scans (registration, ticket, scan time).
Batch = tuple[UUID, list[tuple[UUID, str, datetime]]]


def offline_batches(seats: list[Seat], total: int) -> list[Batch]:
    """Every seat scanned in the morning, and some scanned again in the afternoon, up to
    `total`; each session's scans in batches of at most `BATCH_MOST`."""
    morning = datetime.now(UTC) - timedelta(hours=4)
    scans: dict[UUID, list[tuple[UUID, str, datetime]]] = {}
    for n, (registration, place, ticket) in enumerate(seats):
        scans.setdefault(place, []).append((registration, ticket, morning + timedelta(seconds=n)))
    again = total - len(seats)
    for n in range(again):
        registration, place, ticket = seats[n * len(seats) // again]
        scans[place].append((registration, ticket, morning + timedelta(hours=3, seconds=n)))
    return [
        (place, taken[start : start + BATCH_MOST])
        for place, taken in scans.items()
        for start in range(0, len(taken), BATCH_MOST)
    ]


async def scans_floor(database_url: str, training_id: UUID, batches: list[Batch]) -> Result:
    """The same batches as bare UPDATEs through asyncpg, on a copy of the registrations."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.execute("CREATE TEMP TABLE floor_scans (LIKE registrations INCLUDING ALL)")
        await connection.execute(
            "INSERT INTO floor_scans SELECT * FROM registrations WHERE training_id = $1",
            training_id,
        )
        await connection.execute("ANALYZE floor_scans")
        started = time.perf_counter()
        for _, scans in batches:
            await connection.execute(
                "UPDATE floor_scans r SET checked_in_at = v.at "
                "FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at) WHERE r.id = v.id",
                [registration for registration, _, _ in scans],
                [at for _, _, at in scans],
            )
        seconds = time.perf_counter() - started
    finally:
        await connection.close()
    count = sum(len(scans) for _, scans in batches)
    return Result(f"floor: UPDATE … FROM unnest, {len(batches)} batches", count, seconds)


async def scans_sent(
    api: httpx.AsyncClient, staff: dict[str, str], batches: list[Batch], seats: int
) -> Result:
    """The batches; every seat must be checked in once, and every second scan known."""
    results: Counter[str] = Counter()
    started = time.perf_counter()
    for place, scans in batches:
        body: dict[str, Any] = {
            "session_id": str(place),
            "device_id": f"pemindai-{place.hex[:6]}",
            "scans": [{"ticket": ticket, "scanned_at": at.isoformat()} for _, ticket, at in scans],
        }
        response = await api.post("/activities/checkins/batch", json=body, headers=staff)
        response.raise_for_status()
        results.update(response.json()["summary"])
    seconds = time.perf_counter() - started
    count = sum(len(scans) for _, scans in batches)
    if results["ok"] != seats or results["already_checked_in"] != count - seats:
        raise RuntimeError(f"the offline scans did not check in every seat once: {results}")
    return Result(f"offline scans, {len(batches)} batches", count, seconds)
