"""Importing people (PTK): matched by NUPTK, then email, then phone, as `domain.matching`
judges them; a row that matches updates the stored record."""

from datetime import UTC, datetime

from kombel_events.membership import PersonRegistered, PersonUpdated
from kombel_runtime.ids import uuid7
from kombel_runtime.imports.job import Chunk, Job
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.tables import people
from membership.domain.matching import IDENTITY_LABELS, Refusal, match, place
from membership.domain.people import STATE_FIELDS, state_event


async def apply(session: AsyncSession, job: Job, chunk: Chunk) -> None:
    valid = [r for r in chunk.rows if not r.error]
    known = await records.schools_by_npsn(session, (r.values["school_npsn"] for r in valid))
    candidates = []
    for row in valid:
        placed = place(
            job.principal, known.get(row.values["school_npsn"]), row.values["school_npsn"]
        )
        if isinstance(placed, Refusal):
            row.error = placed.message
        elif job.claim(
            chunk, row, [(f, row.values[f]) for f in records.PERSON_IDENTITIES if row.values.get(f)]
        ):
            row.values |= placed
            candidates.append(row)
    found = await records.people_holding(session, [r.values for r in candidates])
    # Earlier chunks' updates, which the database may not show yet.
    found = {key: job.decided.get(("person", p["id"]), p) for key, p in found.items()}
    for row in candidates:
        verdict = match(job.principal, found, row.values)
        if isinstance(verdict, Refusal):
            row.error = verdict.message
            continue
        if verdict is None:
            record = row.values | {"id": uuid7()}
            chunk.create("people", record, state_event(record, PersonRegistered))
            chunk.audit(job, "person.registered", str(record["id"]))
            continue
        stored = verdict.person
        differences = {
            f: row.values[f]
            for f in STATE_FIELDS
            if row.values.get(f) and row.values[f] != stored[f]
        }
        matched = IDENTITY_LABELS[verdict.matched_on]
        if not differences:
            chunk.duplicate(row, f"sama dengan PTK tersimpan ({matched})")
            continue
        merged = stored | differences
        job.decided[("person", stored["id"])] = merged
        found.update({(f, merged[f]): merged for f in records.UNIQUE_IDENTITIES if merged.get(f)})
        chunk.audit(job, "person.updated", str(stored["id"]), fields=sorted(differences))
        chunk.update(
            row,
            f"memperbarui PTK tersimpan ({matched}): {', '.join(sorted(differences))}",
            state_event(merged, PersonUpdated),
            update(people)
            .where(people.c.id == stored["id"])
            .values(**differences, updated_at=datetime.now(UTC)),
        )
