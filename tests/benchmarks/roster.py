"""A training's roster uploaded: upload to committed, with the events in the outbox; on to
every new person created by membership and linked by the saga; and the floor under it, COPY of
the same registration rows into a table of the same columns and indexes."""

import asyncio
import csv
import io
import time
from uuid import UUID

import asyncpg
import httpx
from activities.db.tables import registrations
from kombel_runtime.database import asyncpg_dsn
from kombel_runtime.testing.harness import RunningPlatform, eventually
from sqlalchemy import func, select

from tests.benchmarks.imports import copy_seconds, csv_table, people_rows
from tests.benchmarks.report import Result


async def roster_csv(
    api: httpx.AsyncClient, staff: dict[str, str], place_of: dict[str, str], rows: int
) -> bytes:
    """`rows` people new to the platform, at the schools of `place_of` (NPSN: the name of
    its kabupaten/kota, as people write it) in turn, in the columns of the kind's template."""
    template = await api.get("/activities/imports/registrations/template.csv", headers=staff)
    template.raise_for_status()
    header = next(csv.reader(io.StringIO(template.text.lstrip("\ufeff"))))
    lines = []
    for name, nuptk, email, phone, position, npsn in people_rows(rows, list(place_of)):
        cells = {
            "Nama Lengkap": name,
            "NUPTK": nuptk,
            "Email": email,
            "No. HP/WA": phone,
            "Jabatan": position,
            "NPSN Sekolah": npsn,
            "Kabupaten/Kota": place_of[npsn],
        }
        if missing := set(cells) - set(header):
            raise RuntimeError(f"the roster template has no column {sorted(missing)}: {header}")
        lines.append([cells.get(column, "") for column in header])
    return csv_table(header, lines)


async def uploaded(
    platform: RunningPlatform,
    api: httpx.AsyncClient,
    staff: dict[str, str],
    training_id: UUID,
    content: bytes,
    *,
    rows: int,
    waitlisted: int,
) -> tuple[Result, Result]:
    """Upload to committed, and to every new person linked by the saga; the job must have
    placed every row, `waitlisted` of them on a waitlist."""
    started = time.perf_counter()
    response = await api.post(
        "/activities/imports/registrations",
        params={"training_id": str(training_id), "dry_run": "false"},
        files={"file": ("peserta-bimtek.csv", content)},
        headers=staff,
    )
    response.raise_for_status()
    import_id = response.json()["id"]
    while True:
        status = (await api.get(response.json()["progress"], headers=staff)).json()
        if status["status"] in ("succeeded", "failed"):
            break
        await asyncio.sleep(0.01)
    committed = time.perf_counter() - started
    if (
        status["status"] != "succeeded"
        or status["created"] != rows
        or status["people_requested"] != rows
        or status["waitlisted"] != waitlisted
    ):
        raise RuntimeError(f"the roster did not seat every row as planned: {status}")

    async def linked() -> int:
        async with platform.runtime("activities").sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(registrations)
                .where(registrations.c.import_id == import_id, registrations.c.saga == "linked")
            )
        return int(count or 0)

    await eventually(linked, lambda count: count == rows, timeout_s=180, interval_s=0.05)
    return (
        Result("roster: upload → committed", rows, committed),
        Result("roster: upload → all linked by the saga", rows, time.perf_counter() - started),
    )


async def roster_floor(database_url: str, training_id: UUID) -> Result:
    """The registrations the roster wrote, as it wrote them (no person yet), COPYed into a
    table of the same columns and indexes."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        rows = await connection.fetch(
            "SELECT * FROM registrations WHERE training_id = $1 ORDER BY row_number", training_id
        )
    finally:
        await connection.close()
    columns = list(rows[0].keys())
    records = [
        tuple((dict(row) | {"person_id": None, "saga": "pending"})[c] for c in columns)
        for row in rows
    ]
    seconds = await copy_seconds(
        database_url,
        "CREATE TEMP TABLE floor_registrations (LIKE registrations INCLUDING ALL)",
        "floor_registrations",
        records,
        columns,
    )
    return Result(f"floor: asyncpg COPY of {len(records)} registrations", len(records), seconds)
