"""Running one import: read, validate, match, then save (or, in a dry run, only report).

Rows go in chunks: each chunk is validated off the event loop, matched against the file so far
and against the database in a few set queries, and — unless it is a dry run — saved with its
events in one transaction. Memory holds one chunk plus the keys seen, whatever the file size.
Matching makes a re-upload harmless: a row equal to what is stored counts as a duplicate, a
row that differs updates the stored record.
"""

import asyncio
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events import IntegrationEvent
from kombel_events.membership import (
    PersonRegistered,
    PersonUpdated,
    SchoolRegistered,
    SchoolUpdated,
)
from kombel_events.regions import regions
from kombel_runtime.auth import Principal
from kombel_runtime.errors import validation_message
from kombel_runtime.ids import uuid7
from kombel_runtime.outbox import record_events
from kombel_runtime.service import ServiceRuntime
from pydantic import ValidationError
from sqlalchemy import BindParameter, Text, any_, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from membership.api.scope import can_see
from membership.db.tables import import_rejections, imports, people, schools
from membership.imports.kinds import SPECS, ImportKind, KindSpec
from membership.imports.progress import publish_progress
from membership.imports.reading import ColumnMap, UnreadableFile, map_columns, open_table

CHUNK_ROWS = 1000
PERSON_FIELDS = ("full_name", "nuptk", "nip", "email", "phone", "position", "school_npsn")
SCHOOL_FIELDS = ("name", "jenjang", "status", "kabkota_code", "kecamatan", "address")


class ImportFailed(Exception):
    """The whole file is refused; the message is for people."""


@dataclass
class Counters:
    rows_done: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0

    def as_row(self) -> dict[str, int]:
        return {
            "rows_done": self.rows_done,
            "created": self.created,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Job:
    id: UUID
    kind: ImportKind
    dry_run: bool
    principal: Principal
    max_rows: int
    seen: dict[tuple[str, str], int] = field(default_factory=dict)  # identity -> first row
    counters: Counters = field(default_factory=Counters)


def validate_chunk(
    spec: KindSpec, columns: ColumnMap, chunk: list[tuple[int, list[str]]]
) -> list[Row]:
    labels = {c.field: c.header for c in spec.columns}
    rows = []
    for number, cells in chunk:
        row = Row(number, cells)
        raw = {f: cells[i] if i < len(cells) else "" for f, i in columns.positions.items()}
        try:
            row.values = spec.draft.model_validate(raw).model_dump(mode="json")
        except ValidationError as error:
            row.error = "; ".join(
                f"{_label(labels, e['loc'])}: {validation_message(e)}"
                for e in error.errors(include_input=False, include_url=False)
            )
        rows.append(row)
    return rows


def _label(labels: dict[str, str], location: tuple[int | str, ...]) -> str:
    return labels.get(str(location[0]), str(location[0])) if location else "Baris"


async def run_import(runtime: ServiceRuntime, job: Job, content: bytes) -> Counters:
    spec = SPECS[job.kind]
    try:
        table = await asyncio.to_thread(open_table, content)
        columns = map_columns(spec, table.headers)
    except UnreadableFile as error:
        raise ImportFailed(str(error)) from error
    total = await asyncio.to_thread(_count_rows, content)
    if total > job.max_rows:
        raise ImportFailed(
            f"Berkas berisi {total} baris; paling banyak {job.max_rows} baris sekali unggah. "
            "Bagi berkasnya."
        )
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(imports)
            .where(imports.c.id == job.id)
            .values(rows_total=total, headers=table.headers)
        )
    numbered: Iterator[tuple[int, list[str]]] = zip(itertools.count(2), table.rows, strict=False)
    started = datetime.now(UTC)
    while chunk := await asyncio.to_thread(lambda: list(itertools.islice(numbered, CHUNK_ROWS))):
        rows = await asyncio.to_thread(validate_chunk, spec, columns, chunk)
        async with runtime.sessions() as session, session.begin():
            if job.kind is ImportKind.PEOPLE:
                events = await _people(session, job, rows)
            else:
                events = await _schools(session, job, rows)
            if events and not job.dry_run:
                await record_events(session, runtime.source, events)
            rejected = [r for r in rows if r.error]
            if rejected:
                await session.execute(
                    import_rejections.insert(),
                    [
                        {
                            "import_id": job.id,
                            "row_number": r.number,
                            "cells": r.cells,
                            "error": r.error,
                        }
                        for r in rejected
                    ],
                )
            job.counters.rejected += len(rejected)
            job.counters.rows_done += len(rows)
            await session.execute(
                update(imports).where(imports.c.id == job.id).values(**job.counters.as_row())
            )
        await publish_progress(runtime, job.id, "running", total, job.counters, started)
    return job.counters


def _texts(values: Iterable[str]) -> BindParameter[Any]:
    return bindparam(None, list(values), type_=ARRAY(Text))


def _count_rows(content: bytes) -> int:
    return sum(1 for _ in open_table(content).rows)


def _claim_identity(
    job: Job, row: Row, keys: list[tuple[str, str]], labels: dict[str, str]
) -> bool:
    """Reject a row whose identity an earlier row of the file already had."""
    for key in keys:
        first = job.seen.get(key)
        if first is not None:
            row.error = f"{labels[key[0]]} sama dengan baris {first} di berkas ini"
            return False
    for key in keys:
        job.seen[key] = row.number
    return True


async def _people(session: AsyncSession, job: Job, rows: list[Row]) -> list[IntegrationEvent]:
    labels = {"nuptk": "NUPTK", "email": "Email", "phone": "No. HP/WA"}
    valid = [r for r in rows if not r.error]
    npsns = {r.values["school_npsn"] for r in valid}
    known = {
        s["npsn"]: s
        for s in (
            await session.execute(select(schools).where(schools.c.npsn == any_(_texts(npsns))))
        ).mappings()
    }
    candidates = []
    for row in valid:
        school = known.get(row.values["school_npsn"])
        if school is None:
            row.error = f"NPSN Sekolah: sekolah {row.values['school_npsn']} belum terdaftar"
        elif not can_see(job.principal, school["kabkota_code"], school["npsn"]):
            row.error = f"NPSN Sekolah: sekolah {school['npsn']} di luar wilayah kewenangan Anda"
        elif _claim_identity(
            job, row, [(f, row.values[f]) for f in labels if row.values.get(f)], labels
        ):
            row.values |= {
                "province_code": school["province_code"],
                "kabkota_code": school["kabkota_code"],
            }
            candidates.append(row)
    existing = await _existing_people(session, candidates)
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    events: list[IntegrationEvent] = []
    for row in candidates:
        match = next(
            (existing[(f, row.values[f])] for f in labels if (f, row.values.get(f)) in existing),
            None,
        )
        if match is None:
            record = row.values | {"id": uuid7()}
            new.append(record)
            events.append(PersonRegistered.model_validate(record | {"person_id": record["id"]}))
            continue
        differences = {
            f: row.values[f]
            for f in (*PERSON_FIELDS, "province_code", "kabkota_code")
            if row.values.get(f) and row.values[f] != match[f]
        }
        if not differences:
            job.counters.duplicates += 1
            continue
        merged = dict(match) | differences
        changed.append({"person_id": match["id"], **differences})
        existing.update({(f, merged[f]): merged for f in labels if merged.get(f)})
        events.append(PersonUpdated.model_validate(merged | {"person_id": match["id"]}))
    job.counters.created += len(new)
    job.counters.updated += len(changed)
    if not job.dry_run:
        if new:
            await _copy(session, "people", new)
        for change in changed:
            person_id = change.pop("person_id")
            await session.execute(
                update(people)
                .where(people.c.id == person_id)
                .values(**change, updated_at=datetime.now(UTC))
            )
    return events


async def _existing_people(
    session: AsyncSession, rows: list[Row]
) -> dict[tuple[str, str], dict[str, Any]]:
    wanted = {
        f: [r.values[f] for r in rows if r.values.get(f)] for f in ("nuptk", "email", "phone")
    }
    if not any(wanted.values()):
        return {}
    # One array parameter per identity, not a thousand bound values.
    query = select(people).where(
        people.c.status == "active",
        or_(*(people.c[f] == any_(_texts(values)) for f, values in wanted.items() if values)),
    )
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for record in (await session.execute(query)).mappings():
        for f in ("nuptk", "email", "phone"):
            if record[f]:
                found[(f, record[f])] = dict(record)
    return found


async def _schools(session: AsyncSession, job: Job, rows: list[Row]) -> list[IntegrationEvent]:
    candidates = []
    for row in rows:
        if row.error:
            continue
        region = regions().get(row.values["kabkota_code"])
        assert region is not None
        if not job.principal.covers_region(region.code):
            row.error = f"Kabupaten/Kota: {region.display_name} di luar wilayah kewenangan Anda"
        elif _claim_identity(job, row, [("npsn", row.values["npsn"])], {"npsn": "NPSN"}):
            row.values["province_code"] = region.province_code
            candidates.append(row)
    npsns = [r.values["npsn"] for r in candidates]
    existing = {
        s["npsn"]: dict(s)
        for s in (
            await session.execute(select(schools).where(schools.c.npsn == any_(_texts(npsns))))
        ).mappings()
    }
    new: list[dict[str, Any]] = []
    events: list[IntegrationEvent] = []
    for row in candidates:
        match = existing.get(row.values["npsn"])
        if match is None:
            new.append(row.values)
            events.append(SchoolRegistered.model_validate(row.values))
            continue
        differences = {
            f: row.values[f]
            for f in (*SCHOOL_FIELDS, "province_code")
            if row.values.get(f) and row.values[f] != match[f]
        }
        if not differences:
            job.counters.duplicates += 1
            continue
        job.counters.updated += 1
        events.append(SchoolUpdated.model_validate(match | differences))
        if not job.dry_run:
            await session.execute(
                update(schools)
                .where(schools.c.npsn == match["npsn"])
                .values(**differences, updated_at=datetime.now(UTC))
            )
    job.counters.created += len(new)
    if new and not job.dry_run:
        await _copy(session, "schools", new)
    return events


async def _copy(session: AsyncSession, table: str, records: list[dict[str, Any]]) -> None:
    """COPY the records in the session's transaction: the fastest way in for thousands."""
    columns = list(records[0])
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table, records=[tuple(r[c] for c in columns) for r in records], columns=columns
    )
