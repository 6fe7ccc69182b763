"""Importing people (PTK): matched by NUPTK, then email, then phone."""

from datetime import UTC, datetime

from kombel_events.membership import PersonRegistered, PersonUpdated
from kombel_runtime.ids import uuid7
from kombel_runtime.imports.job import Chunk, Job
from sqlalchemy import any_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.parameters import texts
from membership.db.tables import people, schools
from membership.domain.access import can_see
from membership.domain.people import STATE_FIELDS, state_event

IDENTITIES = {"nuptk": "NUPTK", "email": "Email", "phone": "No. HP/WA"}
# Said alike whatever matched: an import is not a way to look up another area's people.
REGISTERED_ELSEWHERE = (
    "PTK dengan NUPTK, email atau nomor HP/WA ini sudah terdaftar di wilayah lain; hubungi "
    "dinas pendidikan atau BBGP/BPMP wilayah tersebut"
)
MOVE_REFUSED = (
    "NPSN Sekolah: PTK ini terdaftar di kabupaten/kota lain; impor tidak memindahkan PTK "
    "antarwilayah. Pemindahan dilakukan staf yang berwenang atas kedua wilayah"
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
        elif job.claim(chunk, row, [(f, row.values[f]) for f in IDENTITIES if row.values.get(f)]):
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
            chunk.create("people", record, state_event(record, PersonRegistered))
            chunk.audit(job, "person.registered", str(record["id"]))
            continue
        stored, matched_on = hit
        stored = job.decided.get(("person", stored["id"]), stored)
        # A match changes only a record the importer may change, and never moves it to
        # another region: a transfer is a request of staff who cover both.
        if not can_see(job.principal, stored["kabkota_code"], stored["school_npsn"]):
            row.error = REGISTERED_ELSEWHERE
            continue
        if stored["kabkota_code"] != row.values["kabkota_code"]:
            row.error = MOVE_REFUSED
            continue
        taken = records.held_by_others(found, row.values, stored["id"])
        if taken:
            row.error = f"{', '.join(IDENTITIES[f] for f in taken)}: sudah dipakai PTK lain"
            continue
        differences = {
            f: row.values[f]
            for f in STATE_FIELDS
            if row.values.get(f) and row.values[f] != stored[f]
        }
        matched = IDENTITIES[matched_on]
        if not differences:
            chunk.duplicate(row, f"sama dengan PTK tersimpan ({matched})")
            continue
        merged = stored | differences
        job.decided[("person", stored["id"])] = merged
        found.update({(f, merged[f]): merged for f in IDENTITIES if merged.get(f)})
        chunk.audit(job, "person.updated", str(stored["id"]), fields=sorted(differences))
        chunk.update(
            row,
            f"memperbarui PTK tersimpan ({matched}): {', '.join(sorted(differences))}",
            state_event(merged, PersonUpdated),
            update(people)
            .where(people.c.id == stored["id"])
            .values(**differences, updated_at=datetime.now(UTC)),
        )
