"""`/membership/regions`: provinces and kabupaten/kota by code or by name."""

from typing import Annotated

from fastapi import APIRouter, Query
from kombel_events.regions import Region, RegionKind, regions
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession
from pydantic import BaseModel
from sqlalchemy import select

from membership.api.scope import not_found
from membership.db.tables import regions as region_table

router = APIRouter(prefix="/regions", tags=["regions"])


class RegionOut(BaseModel):
    code: str
    name: str
    display_name: str
    kind: RegionKind
    province_code: str
    timezone: str
    timezone_iana: str

    @classmethod
    def of(cls, region: Region) -> "RegionOut":
        return cls(
            code=region.code,
            name=region.name,
            display_name=region.display_name,
            kind=region.kind,
            province_code=region.province_code,
            timezone=region.timezone.value,
            timezone_iana=region.timezone.iana,
        )


class RegionList(BaseModel):
    items: list[RegionOut]
    total: int
    next: None = None


@router.get("", response_model=RegionList, summary="Cari wilayah menurut kode atau nama")
async def search_regions(
    _: CurrentPrincipal,
    q: Annotated[str | None, Query(max_length=100, examples=["Kab. Dairi"])] = None,
    kind: RegionKind | None = None,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
) -> RegionList:
    directory = regions()
    found = directory.search(q) if q else list(directory.by_code.values())
    found = [
        r
        for r in found
        if (kind is None or r.kind is kind) and (province is None or r.province_code == province)
    ]
    return RegionList(items=[RegionOut.of(r) for r in found], total=len(found))


class Kecamatan(BaseModel):
    code: str
    name: str
    kabkota_code: str
    timezone: str


@router.get(
    "/{code}/kecamatan", response_model=list[Kecamatan], summary="Kecamatan yang sudah diimpor"
)
async def list_kecamatan(code: str, _: CurrentPrincipal, session: DbSession) -> list[Kecamatan]:
    if regions().get(code) is None:
        raise not_found(f"Wilayah {code}")
    rows = await session.execute(
        select(
            region_table.c.code,
            region_table.c.name,
            region_table.c.parent_code,
            region_table.c.timezone,
        )
        .where(region_table.c.parent_code == code, region_table.c.kind == "kecamatan")
        .order_by(region_table.c.code)
    )
    return [Kecamatan(code=c, name=n, kabkota_code=p, timezone=t) for c, n, p, t in rows.tuples()]


@router.get("/{code}", response_model=RegionOut, summary="Satu wilayah menurut kode Kemendagri")
async def get_region(code: str, _: CurrentPrincipal) -> RegionOut:
    region = regions().get(code)
    if region is None:
        raise not_found(f"Wilayah {code}")
    return RegionOut.of(region)
