"""Importing kecamatan: the level below kabupaten/kota, which the shipped data leaves out."""

from kombel_events.regions import RegionKind, regions
from kombel_runtime.imports.job import Chunk, Job
from kombel_runtime.parameters import texts
from sqlalchemy import any_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db.tables import regions as region_table


async def apply(session: AsyncSession, job: Job, chunk: Chunk) -> None:
    candidates = []
    for row in chunk.rows:
        if row.error:
            continue
        parent = regions().get(row.values["code"][:5])
        assert parent is not None  # the draft checks the parent
        if not job.principal.covers_region(parent.code):
            row.error = f"Kode: {parent.display_name} di luar wilayah kewenangan Anda"
        elif job.claim(chunk, row, [("code", row.values["code"])]):
            row.values |= {
                "parent_code": parent.code,
                "province_code": parent.province_code,
                "timezone": parent.timezone.value,
                "kind": RegionKind.KECAMATAN.value,
            }
            candidates.append(row)
    codes = [r.values["code"] for r in candidates]
    rows = await session.execute(
        select(region_table.c.code, region_table.c.name).where(
            region_table.c.code == any_(texts(codes))
        )
    )
    stored: dict[str, str] = {code: name for code, name in rows.tuples()}
    for row in candidates:
        previous = stored.get(row.values["code"])
        if previous is None:
            chunk.create("regions", row.values, None)
        elif previous == row.values["name"]:
            chunk.duplicate(row, "sama dengan kecamatan tersimpan")
        else:
            chunk.update(
                row,
                "memperbarui nama kecamatan",
                None,
                update(region_table)
                .where(region_table.c.code == row.values["code"])
                .values(name=row.values["name"]),
            )
