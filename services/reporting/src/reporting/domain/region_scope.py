"""Which region a caller may read a summary of, and how much of it: pure rules, no I/O.

National staff read any region; province staff their province and its kabupaten/kota;
district staff their kabupaten/kota, and their province only as their own row of it (a list
filtered by scope, like every list of the platform). Any other region is refused with 403:
region codes are public, so saying "not yours" leaks nothing. Teachers and leads read the
summaries of their communities, not of regions.
"""

from dataclasses import dataclass

from kombel_events.regions import Region, RegionKind, regions
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Forbidden, NotFound


@dataclass(frozen=True)
class RegionView:
    region: Region
    # For district staff reading their province: the one kabupaten/kota they see of it.
    only_kabkota: str | None
    # Names the caller's reach, for cache keys.
    scope: str

    @property
    def is_province(self) -> bool:
        return self.region.kind is RegionKind.PROVINSI

    @property
    def province_code(self) -> str:
        return self.region.province_code


def _not_found() -> NotFound:
    return NotFound(
        "region_not_found",
        "Wilayah dengan kode ini tidak ditemukan. Gunakan kode provinsi atau "
        "kabupaten/kota Kemendagri, mis. 12 atau 12.11.",
    )


def region_of(code: str) -> Region:
    """A province or kabupaten/kota by its code; 404 for anything else."""
    region = regions().get(code)
    if region is None or region.kind is RegionKind.KECAMATAN:
        raise _not_found()
    return region


def province_of(code: str) -> Region:
    """A province by its code; 404 for anything else."""
    region = regions().get(code)
    if region is None or region.kind is not RegionKind.PROVINSI:
        raise _not_found()
    return region


def all_provinces() -> set[str]:
    return {r.code for r in regions().by_code.values() if r.kind is RegionKind.PROVINSI}


def scope_label(principal: Principal) -> str:
    if Role.NATIONAL_ADMIN in principal.roles:
        return "national"
    if Role.PROVINCE_STAFF in principal.roles and principal.province:
        return f"province:{principal.province}"
    if Role.DISTRICT_STAFF in principal.roles and principal.kabkota:
        return f"district:{principal.kabkota}"
    return "none"


def _out_of_scope() -> Forbidden:
    return Forbidden(
        "region_out_of_scope",
        "Wilayah ini di luar wilayah kerja Anda. Buka ringkasan provinsi atau "
        "kabupaten/kota Anda sendiri.",
    )


def region_view(principal: Principal, code: str) -> RegionView:
    region = region_of(code)
    scope = scope_label(principal)
    if scope == "none":
        raise Forbidden(
            "forbidden",
            "Ringkasan wilayah hanya untuk staf nasional, provinsi atau kabupaten/kota.",
        )
    if region.kind is RegionKind.PROVINSI:
        if Role.NATIONAL_ADMIN in principal.roles or (
            Role.PROVINCE_STAFF in principal.roles and principal.province == region.code
        ):
            return RegionView(region, None, scope)
        mine = principal.kabkota
        if Role.DISTRICT_STAFF in principal.roles and mine and mine.startswith(region.code + "."):
            return RegionView(region, mine, scope)
        raise _out_of_scope()
    if principal.covers_region(region.code):
        return RegionView(region, None, scope)
    raise _out_of_scope()
