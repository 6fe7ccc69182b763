"""Importing people (PTK): matched by NUPTK, then email, then phone."""

from datetime import UTC, datetime

from kombel_events.membership import PersonRegistered, PersonUpdated
from kombel_runtime.ids import uuid7
from sqlalchemy import any_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.api.scope import can_see
from membership.db import records
from membership.db.parameters import texts
from membership.db.tables import people, schools
from membership.imports.job import Chunk, Job

IDENTITIES = {"nuptk": "NUPTK", "email": "Email", "phone": "No. HP/WA"}
STATE = ("full_name", "nuptk", "nip", "email", "phone", "position", "school_npsn")


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
    found = await records.people_holding(session, [r.values for r in candidates])
    for row in candidates:
        hit = records.holder(found, row.values)
        if hit is None:
            record = row.values | {"id": uuid7()}
            event = PersonRegistered.model_validate(record | {"person_id": record["id"]})
            chunk.create("people", record, event)
            continue
        stored, matched_on = hit
        stored = job.decided.get(("person", stored["id"]), stored)
        differences = {
            f: row.values[f]
            for f in (*STATE, "province_code", "kabkota_code")
            if row.values.get(f) and row.values[f] != stored[f]
        }
        matched = IDENTITIES[matched_on]
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
