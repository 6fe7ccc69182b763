"""`/membership/regions`: provinces and kabupaten/kota by code or by name."""

from typing import Annotated

from fastapi import APIRouter, Query
from kombel_events.regions import RegionKind
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession

from membership.schemas.regions import Kecamatan, RegionList, RegionOut
from membership.services import regions

router = APIRouter(prefix="/regions", tags=["regions"])


@router.get("", response_model=RegionList, summary="Cari wilayah menurut kode atau nama")
async def search_regions(
    _: CurrentPrincipal,
    q: Annotated[str | None, Query(max_length=100, examples=["Kab. Dairi"])] = None,
    kind: RegionKind | None = None,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
) -> RegionList:
    found = regions.find_regions(q, kind, province)
    return RegionList(items=[RegionOut.of(r) for r in found], total=len(found))


@router.get(
    "/{code}/kecamatan", response_model=list[Kecamatan], summary="Kecamatan yang sudah diimpor"
)
async def list_kecamatan(code: str, _: CurrentPrincipal, session: DbSession) -> list[Kecamatan]:
    return [Kecamatan.model_validate(k) for k in await regions.kecamatan_of(session, code)]


@router.get("/{code}", response_model=RegionOut, summary="Satu wilayah menurut kode Kemendagri")
async def get_region(code: str, _: CurrentPrincipal) -> RegionOut:
    return RegionOut.of(regions.region(code))
