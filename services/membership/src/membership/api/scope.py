"""Who sees and changes which schools and people, from the token's roles and scopes.

Lists are filtered; a single record outside the caller's scope answers 404, so an id alone
reveals nothing about another kabupaten's people.
"""

from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import ApiError
from sqlalchemy import ColumnElement, Table, false

STAFF = (Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF, Role.DISTRICT_STAFF)


def visible(principal: Principal, table: Table, npsn_column: str) -> ColumnElement[bool]:
    """The rows of `table` (with province, kabkota and school columns) the caller may see."""
    staff = principal.region_filter(table.c.province_code, table.c.kabkota_code)
    if staff is not None:
        return staff
    if principal.has_any(Role.PRINCIPAL) and principal.npsn:
        return table.c[npsn_column] == principal.npsn
    return false()


def can_see(principal: Principal, kabkota_code: str, npsn: str) -> bool:
    if principal.covers_region(kabkota_code):
        return True
    return principal.has_any(Role.PRINCIPAL) and principal.npsn == npsn


def require_staff_of(principal: Principal, kabkota_code: str) -> None:
    if not principal.has_any(*STAFF):
        raise ApiError(
            403,
            "forbidden",
            "Hanya staf nasional, provinsi atau kabupaten/kota yang boleh melakukan ini.",
        )
    if not principal.covers_region(kabkota_code):
        raise ApiError(
            403,
            "outside_scope",
            f"Kabupaten/kota {kabkota_code} berada di luar wilayah kewenangan Anda.",
        )


def require_manager_of_school(principal: Principal, kabkota_code: str, npsn: str) -> None:
    """Staff of the region, or the principal of that school."""
    if principal.has_any(Role.PRINCIPAL) and principal.npsn == npsn:
        return
    require_staff_of(principal, kabkota_code)


def registered_elsewhere(what: str) -> ApiError:
    """A create that meets a record the caller may not see: it is taken, and nothing more is
    said (no id, no field), so a create is not a way to look up another area's people."""
    return ApiError(
        409,
        "registered_elsewhere",
        f"{what} ini sudah terdaftar di wilayah lain. Hubungi dinas pendidikan atau BBGP/BPMP "
        "wilayah tersebut bila datanya perlu dipindahkan.",
    )


def not_found(what: str) -> ApiError:
    return ApiError(
        404, "not_found", f"{what} tidak ditemukan atau di luar wilayah kewenangan Anda."
    )
