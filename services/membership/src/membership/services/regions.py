"""Reading regions: provinces and kabupaten/kota from the published directory, kecamatan from
the imports that brought them."""

from typing import Any

from kombel_events.regions import Region, RegionKind, regions
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db.tables import regions as region_table
from membership.domain.access import not_found


def find_regions(
    q: str | None, kind: RegionKind | None = None, province: str | None = None
) -> list[Region]:
    """Regions by code or by name as people write it ('Kab. Dairi'), or all of them."""
    directory = regions()
    found = directory.search(q) if q else list(directory.by_code.values())
    return [
        r
        for r in found
        if (kind is None or r.kind is kind) and (province is None or r.province_code == province)
    ]


def region(code: str) -> Region:
    found = regions().get(code)
    if found is None:
        raise not_found(f"Wilayah {code}")
    return found


async def kecamatan_of(session: AsyncSession, code: str) -> list[dict[str, Any]]:
    """The kecamatan imported under a known region, by code."""
    region(code)
    rows = await session.execute(
        select(
            region_table.c.code,
            region_table.c.name,
            region_table.c.parent_code.label("kabkota_code"),
            region_table.c.timezone,
        )
        .where(region_table.c.parent_code == code, region_table.c.kind == "kecamatan")
        .order_by(region_table.c.code)
    )
    return [dict(r) for r in rows.mappings()]
