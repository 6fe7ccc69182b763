"""Importing schools: matched by NPSN, placed by kabupaten/kota code or name."""

from datetime import UTC, datetime
from typing import Any

from kombel_events import IntegrationEvent
from kombel_events.membership import SchoolRegistered, SchoolUpdated
from kombel_events.regions import regions
from sqlalchemy import any_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db.tables import schools
from membership.imports.job import Job, Row, copy_records, texts

STATE = ("name", "jenjang", "status", "kabkota_code", "kecamatan", "address", "province_code")


async def apply(session: AsyncSession, job: Job, rows: list[Row]) -> list[IntegrationEvent]:
    candidates = []
    for row in rows:
        if row.error:
            continue
        region = regions().get(row.values["kabkota_code"])
        assert region is not None  # the draft accepts known kabupaten/kota only
        if not job.principal.covers_region(region.code):
            row.error = f"Kabupaten/Kota: {region.display_name} di luar wilayah kewenangan Anda"
        elif job.claim(row, [("npsn", row.values["npsn"])], {"npsn": "NPSN"}):
            row.values["province_code"] = region.province_code
            candidates.append(row)
    npsns = [r.values["npsn"] for r in candidates]
    existing = {
        s["npsn"]: dict(s)
        for s in (
            await session.execute(select(schools).where(schools.c.npsn == any_(texts(npsns))))
        ).mappings()
    }
    new: list[dict[str, Any]] = []
    events: list[IntegrationEvent] = []
    for row in candidates:
        stored = existing.get(row.values["npsn"])
        if stored is None:
            new.append(row.values)
            events.append(SchoolRegistered.model_validate(row.values))
            continue
        differences = {
            f: row.values[f] for f in STATE if row.values.get(f) and row.values[f] != stored[f]
        }
        if not differences:
            job.duplicate(row, "sama dengan sekolah tersimpan (NPSN)")
            continue
        job.update(row, f"memperbarui sekolah tersimpan: {', '.join(sorted(differences))}")
        events.append(SchoolUpdated.model_validate(stored | differences))
        if not job.dry_run:
            await session.execute(
                update(schools)
                .where(schools.c.npsn == stored["npsn"])
                .values(**differences, updated_at=datetime.now(UTC))
            )
    job.counters.created += len(new)
    if new and not job.dry_run:
        await copy_records(session, "schools", new)
    return events
