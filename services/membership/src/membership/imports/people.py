"""Importing people (PTK): matched by NUPTK, then email, then phone."""

from datetime import UTC, datetime
from typing import Any

from kombel_events.membership import PersonRegistered, PersonUpdated
from kombel_runtime.ids import uuid7
from sqlalchemy import any_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.api.scope import can_see
from membership.db.tables import people, schools
from membership.imports.job import Chunk, Job, Row, texts

IDENTITIES = {"nuptk": "NUPTK", "email": "Email", "phone": "No. HP/WA"}
STATE = ("full_name", "nuptk", "nip", "email", "phone", "position", "school_npsn")


async def existing_people(
    session: AsyncSession, rows: list[Row]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Active people holding any identity of the rows, by (field, value)."""
    wanted = {f: [r.values[f] for r in rows if r.values.get(f)] for f in IDENTITIES}
    if not any(wanted.values()):
        return {}
    query = select(people).where(
        people.c.status == "active",
        or_(*(people.c[f] == any_(texts(values)) for f, values in wanted.items() if values)),
    )
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for record in (await session.execute(query)).mappings():
        for f in IDENTITIES:
            if record[f]:
                found[(f, record[f])] = dict(record)
    return found


def match(found: dict[tuple[str, str], dict[str, Any]], row: Row) -> dict[str, Any] | None:
    return next(
        (found[(f, row.values[f])] for f in IDENTITIES if (f, row.values.get(f)) in found), None
    )


async def apply(session: AsyncSession, job: Job, chunk: Chunk) -> None:
    valid = [r for r in chunk.rows if not r.error]
    npsns = {r.values["school_npsn"] for r in valid}
    known = {
        s["npsn"]: s
        for s in (
            await session.execute(select(schools).where(schools.c.npsn == any_(texts(npsns))))
        ).mappings()
    }
    candidates = []
    for row in valid:
        school = known.get(row.values["school_npsn"])
        if school is None:
            row.error = f"NPSN Sekolah: sekolah {row.values['school_npsn']} belum terdaftar"
        elif not can_see(job.principal, school["kabkota_code"], school["npsn"]):
            row.error = f"NPSN Sekolah: sekolah {school['npsn']} di luar wilayah kewenangan Anda"
        elif job.claim(
            row, [(f, row.values[f]) for f in IDENTITIES if row.values.get(f)], IDENTITIES
        ):
            row.values |= {
                "province_code": school["province_code"],
                "kabkota_code": school["kabkota_code"],
            }
            candidates.append(row)
    found = await existing_people(session, candidates)
    for row in candidates:
        stored = match(found, row)
        if stored is None:
            record = row.values | {"id": uuid7()}
            event = PersonRegistered.model_validate(record | {"person_id": record["id"]})
            chunk.create("people", record, event)
            continue
        stored = job.decided.get(("person", stored["id"]), stored)
        differences = {
            f: row.values[f]
            for f in (*STATE, "province_code", "kabkota_code")
            if row.values.get(f) and row.values[f] != stored[f]
        }
        matched = next(IDENTITIES[f] for f in IDENTITIES if (f, row.values.get(f)) in found)
        if not differences:
            chunk.duplicate(row, f"sama dengan PTK tersimpan ({matched})")
            continue
        merged = stored | differences
        job.decided[("person", stored["id"])] = merged
        found.update({(f, merged[f]): merged for f in IDENTITIES if merged.get(f)})
        chunk.update(
            row,
            f"memperbarui PTK tersimpan ({matched}): {', '.join(sorted(differences))}",
            PersonUpdated.model_validate(merged | {"person_id": stored["id"]}),
            update(people)
            .where(people.c.id == stored["id"])
            .values(**differences, updated_at=datetime.now(UTC)),
        )
