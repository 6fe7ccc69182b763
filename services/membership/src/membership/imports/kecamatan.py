"""Importing kecamatan: the level below kabupaten/kota, which the shipped data leaves out."""

from kombel_events import IntegrationEvent
from kombel_events.regions import RegionKind, regions
from sqlalchemy import any_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db.tables import regions as region_table
from membership.imports.job import Job, Row, texts


async def apply(session: AsyncSession, job: Job, rows: list[Row]) -> list[IntegrationEvent]:
    candidates = []
    for row in rows:
        if row.error:
            continue
        parent = regions().get(row.values["code"][:5])
        assert parent is not None  # the draft checks the parent
        if not job.principal.covers_region(parent.code):
            row.error = f"Kode: {parent.display_name} di luar wilayah kewenangan Anda"
        elif job.claim(row, [("code", row.values["code"])], {"code": "Kode"}):
            row.values |= {
                "parent_code": parent.code,
                "province_code": parent.province_code,
                "timezone": parent.timezone.value,
            }
            candidates.append(row)
    codes = [r.values["code"] for r in candidates]
    stored = {
        r.code: r.name
        for r in (
            await session.execute(
                select(region_table.c.code, region_table.c.name).where(
                    region_table.c.code == any_(texts(codes))
                )
            )
        )
    }
    changed = []
    for row in candidates:
        previous = stored.get(row.values["code"])
        if previous == row.values["name"]:
            job.duplicate(row, "sama dengan kecamatan tersimpan")
            continue
        if previous is None:
            job.counters.created += 1
        else:
            job.update(row, "memperbarui nama kecamatan")
        changed.append(row.values | {"kind": RegionKind.KECAMATAN.value})
    if changed and not job.dry_run:
        upsert = insert(region_table).values(changed)
        await session.execute(
            upsert.on_conflict_do_update(
                index_elements=["code"], set_={"name": upsert.excluded.name}
            )
        )
    return []
