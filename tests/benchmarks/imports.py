"""People CSV imports, upload to committed with events in the outbox, beside their floor
(asyncpg COPY of the same pre-parsed rows) and a naive baseline (one request per row)."""

import asyncio
import csv
import io
import os
import random
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from kombel_runtime.auth import Role
from kombel_runtime.database import asyncpg_dsn
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota
from openpyxl import Workbook


@dataclass(frozen=True)
class ImportResult:
    name: str
    rows: int
    seconds: float
    peak_rss_mb: float | None = None
    kabkota: str | None = None  # where the rows went

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def import_rows() -> int:
    return int(os.environ.get("KOMBEL_BENCH_IMPORT_ROWS", "100000"))


def people_rows(count: int, npsns: list[str]) -> Iterator[list[str]]:
    """Generated one at a time: the client's copy of the rows must not weigh on the memory
    measured for the import."""
    seed = uuid.uuid4().int % 10**8
    return (
        [
            f"Guru Uji {i}",
            f"{seed:08d}{i:08d}",
            f"guru{seed}.{i}@contoh.sch.id",
            f"0812{(seed + i) % 10**8:08d}",
            "guru",
            npsns[i % len(npsns)],
        ]
        for i in range(count)
    )


def csv_table(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def as_csv(rows: Iterable[list[str]]) -> bytes:
    return csv_table(
        ["Nama Lengkap", "NUPTK", "Email", "No. HP/WA", "Jabatan", "NPSN Sekolah"], rows
    )


def as_xlsx(rows: Iterable[list[str]]) -> bytes:
    """The same rows as an Excel workbook, numbers stored as numbers, as offices save them."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Nama Lengkap", "NUPTK", "Email", "No. HP/WA", "Jabatan", "NPSN Sekolah"])
    for name, nuptk, email, phone, position, npsn in rows:
        sheet.append([name, nuptk, email, int(phone), position, int(npsn)])
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def schools(
    platform: RunningPlatform, count: int, kabkota: str | None = None
) -> tuple[str, list[str]]:
    """New schools of the kabupaten/kota (else of one no other run uses): it and their NPSNs."""
    kabkota = kabkota or fresh_kabkota()
    npsns = [f"{random.randint(10**7, 10**8 - 1)}" for _ in range(count)]
    for npsn in npsns:
        response = await platform.client.post(
            "/membership/schools",
            json={
                "npsn": npsn,
                "name": f"SD Uji {npsn}",
                "jenjang": "SD",
                "status": "negeri",
                "kabkota_code": kabkota,
            },
            headers=platform.auth(Role.NATIONAL_ADMIN),
        )
        response.raise_for_status()
    return kabkota, npsns


async def import_file(platform: RunningPlatform, rows: int, *, excel: bool = False) -> ImportResult:
    kabkota, npsns = await schools(platform, 20)
    content = (as_xlsx if excel else as_csv)(people_rows(rows, npsns))
    headers = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    peak = _rss_mb()
    started = time.perf_counter()
    response = await platform.client.post(
        "/membership/imports/people",
        params={"dry_run": "false"},
        files={"file": ("ptk.xlsx" if excel else "ptk.csv", content)},
        headers=headers,
    )
    response.raise_for_status()
    location = response.json()["progress"]
    del content
    while True:
        peak = max(peak, _rss_mb())
        status = (await platform.client.get(location, headers=headers)).json()
        if status["status"] in ("succeeded", "failed"):
            break
        await asyncio.sleep(0.05)
    seconds = time.perf_counter() - started
    if status["status"] != "succeeded" or status["created"] != rows:
        raise RuntimeError(f"import did not create every row: {status}")
    name = f"import: {rows} rows" + (" (XLSX)" if excel else "")
    return ImportResult(name, rows, seconds, peak, kabkota)


async def copy_floor(platform: RunningPlatform, rows: int) -> ImportResult:
    """The same rows, already parsed, COPYed into a table of the same shape."""
    data = [
        (uuid.uuid4(), name, nuptk, email, "+62" + phone[1:], position, npsn, "12", "12.11")
        for name, nuptk, email, phone, position, npsn in people_rows(rows, ["10203040"])
    ]
    seconds = await copy_seconds(
        platform.runtime("membership").settings.database_url,
        "CREATE TEMP TABLE floor_people (id uuid, full_name text, nuptk text, email text,"
        " phone text, position text, school_npsn text, province_code text, kabkota_code text)",
        "floor_people",
        data,
    )
    return ImportResult(f"floor: asyncpg COPY of {rows} parsed rows", rows, seconds)


async def copy_seconds(
    database_url: str,
    create: str,
    table: str,
    records: Sequence[tuple[Any, ...]],
    columns: Sequence[str] | None = None,
) -> float:
    """How long asyncpg takes to COPY the records into `table`, which `create` makes first
    (untimed) on a connection of its own: a TEMP table goes with it."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.execute(create)
        started = time.perf_counter()
        await connection.copy_records_to_table(table, records=records, columns=columns)
        return time.perf_counter() - started
    finally:
        await connection.close()


async def one_request_per_row(platform: RunningPlatform, rows: int) -> ImportResult:
    """The naive way: a POST per person, each its own transaction."""
    kabkota, npsns = await schools(platform, 1)
    headers = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    started = time.perf_counter()
    for name, nuptk, email, phone, _, npsn in people_rows(rows, npsns):
        response = await platform.client.post(
            "/membership/people",
            json={
                "full_name": name,
                "nuptk": nuptk,
                "email": email,
                "phone": phone,
                "school_npsn": npsn,
            },
            headers=headers,
        )
        response.raise_for_status()
    return ImportResult(
        f"baseline: one request per row ({rows})", rows, time.perf_counter() - started
    )


async def name_search_ms(platform: RunningPlatform, imported: ImportResult) -> float:
    """Median time of a district's search for a person by part of the name, among the rows of
    an import: what staff do all day, next to the imports they do now and then."""
    headers = platform.auth(Role.DISTRICT_STAFF, kabkota=imported.kabkota)
    times = []
    for number in random.sample(range(imported.rows), 9):
        started = time.perf_counter()
        response = await platform.client.get(
            "/membership/people", params={"q": f"Uji {number}"}, headers=headers
        )
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        if not response.json()["total"]:
            raise RuntimeError(f"the search for 'Uji {number}' found nobody")
    return sorted(times)[len(times) // 2]
