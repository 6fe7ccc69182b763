"""Running one import: read, validate, match, then save (or, in a dry run, only report).

Rows go in chunks: each chunk is validated off the event loop, matched against the file so far
and against the database in a few set queries, and — unless it is a dry run — saved with its
events in one transaction. Memory holds one chunk plus the keys seen, whatever the file size.
Matching makes a re-upload harmless: a row equal to what is stored counts as a duplicate, a
row that differs updates the stored record.
"""

import asyncio
import itertools
from dataclasses import replace
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import text, update

from kombel_runtime.bulk import copy_records
from kombel_runtime.errors import validation_message
from kombel_runtime.imports.excel_sandbox import flatten
from kombel_runtime.imports.importer import Importer
from kombel_runtime.imports.job import (
    Chunk,
    Counters,
    ImportFailed,
    ImportInterrupted,
    Job,
    Row,
)
from kombel_runtime.imports.kinds import KindSpec
from kombel_runtime.imports.progress import publish_progress
from kombel_runtime.imports.reading import ColumnMap, map_columns, open_table
from kombel_runtime.imports.refusals import UnreadableFile
from kombel_runtime.imports.settings import import_settings
from kombel_runtime.outbox import record_events
from kombel_runtime.service import ServiceRuntime

CHUNK_ROWS = 5000


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


async def run_import(
    runtime: ServiceRuntime,
    importer: Importer,
    job: Job,
    content: bytes,
    stopping: asyncio.Event,
) -> Counters:
    """Run the job from where it stands: rows already done (before a restart) are skipped,
    and a stopping service leaves the job to be picked up again after the current chunk."""
    spec = importer.specs[job.kind]
    imports = importer.tables.imports
    limits = import_settings(runtime).sheet_limits()
    try:
        content = await flatten(content, limits)
        table = await asyncio.to_thread(open_table, content, spec, max_columns=limits.max_columns)
        columns = map_columns(spec, table.headers)
        # Counting reads the whole file, so a file that breaks halfway fails here, before
        # anything is saved.
        total = await asyncio.to_thread(_count_rows, content, spec, limits.max_columns)
    except UnreadableFile as error:
        raise ImportFailed(str(error)) from error
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
    numbered = itertools.islice(table.rows, job.counters.rows_done, None)
    started = datetime.now(UTC)

    def next_rows() -> list[Row]:
        return validate_chunk(spec, columns, list(itertools.islice(numbered, CHUNK_ROWS)))

    # Chunk N+1 is decided (read, validated, matched) while chunk N is written.
    writing: asyncio.Future[None] | None = None
    try:
        while rows := await asyncio.to_thread(next_rows):
            chunk = await _decide(runtime, importer, job, rows)
            if writing is not None:
                await writing
            if stopping.is_set():
                raise ImportInterrupted
            writing = asyncio.ensure_future(_write(runtime, importer, job, chunk, total, started))
        if writing is not None:
            await writing
    finally:
        if writing is not None and not writing.done():
            writing.cancel()
    return job.counters


async def _decide(runtime: ServiceRuntime, importer: Importer, job: Job, rows: list[Row]) -> Chunk:
    chunk = Chunk(rows)
    async with runtime.sessions() as session, session.begin():
        # Matching sends arrays of thousands; a cached generic plan has to guess their size,
        # so every chunk is planned for its own arrays (measured: about 7% faster).
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        await importer.apply[job.kind](session, job, chunk)
    # Counted again once the chunk's steps have run, which may refuse rows too.
    chunk.counters.rejected = sum(1 for r in rows if r.error)
    chunk.counters.rows_done = len(rows)
    return chunk


async def _write(
    runtime: ServiceRuntime,
    importer: Importer,
    job: Job,
    chunk: Chunk,
    total: int,
    started: datetime,
) -> None:
    """The chunk's records, events, noted rows and counters, in one transaction."""
    imports, import_rows = importer.tables.imports, importer.tables.import_rows
    async with runtime.sessions() as session, session.begin():
        if not job.dry_run:
            for table, records in chunk.copies.items():
                await copy_records(session, table, records)
            for statement in chunk.statements:
                await session.execute(statement)
            for step in chunk.steps:
                await step(session, chunk)
            if chunk.events:
                await record_events(session, runtime.source, chunk.events)
        noted = [
            {
                "import_id": job.id,
                "row_number": r.number,
                "cells": r.cells,
                "outcome": "rejected" if r.error else r.outcome,
                "note": r.error or r.note,
            }
            for r in chunk.rows
            if r.error or r.outcome
        ]
        if noted:
            await session.execute(import_rows.insert(), noted)
        chunk.counters.rejected = sum(1 for r in chunk.rows if r.error)
        counters = replace(job.counters, extra=dict(job.counters.extra))
        counters.add(chunk.counters)
        await session.execute(
            update(imports)
            .where(imports.c.id == job.id)
            .values(**counters.as_row(), heartbeat_at=datetime.now(UTC))
        )
    job.counters = counters
    await publish_progress(runtime, importer, job.id, "running", total, job.counters, started)


def _count_rows(content: bytes, spec: KindSpec, max_columns: int) -> int:
    return sum(1 for _ in open_table(content, spec, max_columns=max_columns).rows)
