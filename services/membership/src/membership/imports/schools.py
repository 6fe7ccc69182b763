"""Importing schools: matched by NPSN, placed by kabupaten/kota code or name."""

from datetime import UTC, datetime

from kombel_events.membership import SchoolRegistered, SchoolUpdated
from kombel_events.regions import regions
from kombel_runtime.imports.job import Chunk, Job
from kombel_runtime.parameters import texts
from sqlalchemy import any_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db.tables import schools
from membership.domain.schools import STATE_FIELDS, state_event


async def apply(session: AsyncSession, job: Job, chunk: Chunk) -> None:
    candidates = []
    for row in chunk.rows:
        if row.error:
            continue
        region = regions().get(row.values["kabkota_code"])
        assert region is not None  # the draft accepts known kabupaten/kota only
        if not job.principal.covers_region(region.code):
            row.error = f"Kabupaten/Kota: {region.display_name} di luar wilayah kewenangan Anda"
        elif job.claim(chunk, row, [("npsn", row.values["npsn"])]):
            row.values["province_code"] = region.province_code
            candidates.append(row)
    npsns = [r.values["npsn"] for r in candidates]
    existing = {
        s["npsn"]: dict(s)
        for s in (
            await session.execute(select(schools).where(schools.c.npsn == any_(texts(npsns))))
        ).mappings()
    }
    for row in candidates:
        stored = existing.get(row.values["npsn"])
        if stored is None:
            chunk.create("schools", row.values, state_event(row.values, SchoolRegistered))
            chunk.audit(job, "school.registered", row.values["npsn"])
            continue
        stored = job.decided.get(("school", stored["npsn"]), stored)
        # A match changes only a school of the importer's area and never moves it.
        if not job.principal.covers_region(stored["kabkota_code"]):
            row.error = (
                "NPSN: sekolah ini sudah terdaftar di wilayah lain; hubungi dinas pendidikan "
                "wilayah tersebut"
            )
            continue
        if stored["kabkota_code"] != row.values["kabkota_code"]:
            row.error = (
                "Kabupaten/Kota: sekolah ini terdaftar di kabupaten/kota lain; impor tidak "
                "memindahkan sekolah antarwilayah"
            )
            continue
        differences = {
            f: row.values[f]
            for f in STATE_FIELDS
            if row.values.get(f) and row.values[f] != stored[f]
        }
        if not differences:
            chunk.duplicate(row, "sama dengan sekolah tersimpan (NPSN)")
            continue
        merged = stored | differences
        job.decided[("school", stored["npsn"])] = merged
        chunk.audit(job, "school.updated", stored["npsn"], fields=sorted(differences))
        chunk.update(
            row,
            f"memperbarui sekolah tersimpan: {', '.join(sorted(differences))}",
            state_event(merged, SchoolUpdated),
            update(schools)
            .where(schools.c.npsn == stored["npsn"])
            .values(**differences, updated_at=datetime.now(UTC)),
        )
