"""Who sees and changes which schools, people and communities.

Staff scopes come from the token's roles and regions; a principal sees their own school.
Within a community, rights come from the data, not the token: the caller's `person` and
their current membership there (their *standing*, a role or none). Its leads (penggerak,
koordinator) change it and its members, its members read it; a membership ended or changed
counts from the next request on, with no new sign-in. The token's `communities` claim and its
`community_lead` and `member` roles grant nothing here.

Lists are filtered by the SQL twins of these rules; a single record outside the caller's
reach answers 404, so an id alone reveals nothing about another kabupaten's people. The
requests, the import jobs and any later consumer ask these same functions.
"""

from typing import Any

from kombel_events.membership import MemberRole
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Conflict, Forbidden, NotFound
from sqlalchemy import ColumnElement, Table, exists, false, or_

from membership.db.tables import communities, memberships, people
from membership.domain.memberships import LEADS
from membership.imports.kinds import ImportKind

# The caller's current role in one community; None when they are not a member (or the token
# names no person).
Standing = MemberRole | None

STAFF = (Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF, Role.DISTRICT_STAFF)


def not_found(what: str) -> NotFound:
    return NotFound("not_found", f"{what} tidak ditemukan atau di luar wilayah kewenangan Anda.")


def registered_elsewhere(what: str) -> Conflict:
    """A create that meets a record the caller may not see: it is taken, and nothing more is
    said (no id, no field), so a create is not a way to look up another area's people."""
    return Conflict(
        "registered_elsewhere",
        f"{what} ini sudah terdaftar di wilayah lain. Hubungi dinas pendidikan atau BBGP/BPMP "
        "wilayah tersebut bila datanya perlu dipindahkan.",
    )


# Schools and people


def visible(principal: Principal, table: Table, npsn_column: str) -> ColumnElement[bool]:
    """The rows of `table` (with province, kabkota and school columns) the caller may see."""
    staff = principal.region_filter(table.c.province_code, table.c.kabkota_code)
    if staff is not None:
        return staff
    if principal.has_any(Role.PRINCIPAL) and principal.npsn:
        return table.c[npsn_column] == principal.npsn
    return false()


def can_see(principal: Principal, kabkota_code: str, npsn: str) -> bool:
    """Staff of the region, or the principal of the school: who sees a school or its people,
    and who may change its people."""
    if principal.covers_region(kabkota_code):
        return True
    return principal.has_any(Role.PRINCIPAL) and principal.npsn == npsn


def reachable_people(principal: Principal) -> ColumnElement[bool]:
    """Staff their region, principals their school, and everyone their own record. A
    community's lead sees its members through the community (names, schools and roles), never
    their contacts or ids of the state (NUPTK, NIP)."""
    conditions = [visible(principal, people, "school_npsn")]
    if principal.person_id:
        conditions.append(people.c.id == principal.person_id)
    return or_(*conditions)


def require_staff_of(principal: Principal, kabkota_code: str) -> None:
    if not principal.has_any(*STAFF):
        raise Forbidden(
            "forbidden",
            "Hanya staf nasional, provinsi atau kabupaten/kota yang boleh melakukan ini.",
        )
    if not principal.covers_region(kabkota_code):
        raise Forbidden(
            "outside_scope",
            f"Kabupaten/kota {kabkota_code} berada di luar wilayah kewenangan Anda.",
        )


def require_manager_of_school(principal: Principal, kabkota_code: str, npsn: str) -> None:
    """Staff of the region, or the principal of that school."""
    if principal.has_any(Role.PRINCIPAL) and principal.npsn == npsn:
        return
    require_staff_of(principal, kabkota_code)


# Communities


def leads(standing: Standing) -> bool:
    return standing in LEADS


def can_manage_community(
    principal: Principal, community: dict[str, Any], standing: Standing
) -> bool:
    """Staff of its region, or a lead of this very community."""
    return principal.covers_region(community["kabkota_code"]) or leads(standing)


def can_see_community(principal: Principal, community: dict[str, Any], standing: Standing) -> bool:
    """Who may change it, its members, and the principal of a school it is hosted by."""
    if can_manage_community(principal, community, standing) or standing is not None:
        return True
    return principal.has_any(Role.PRINCIPAL) and principal.npsn in (
        community["host_school_npsns"] or []
    )


def visible_communities(principal: Principal) -> ColumnElement[bool]:
    """The communities the caller may see, as SQL: the twin of `can_see_community`."""
    conditions = []
    staff = principal.region_filter(communities.c.province_code, communities.c.kabkota_code)
    if staff is not None:
        conditions.append(staff)
    if principal.person_id:
        conditions.append(
            exists().where(
                memberships.c.community_id == communities.c.id,
                memberships.c.person_id == principal.person_id,
                memberships.c.ended_on.is_(None),
            )
        )
    if principal.has_any(Role.PRINCIPAL) and principal.npsn:
        conditions.append(communities.c.host_school_npsns.any(principal.npsn))
    return or_(*conditions) if conditions else false()


def require_manager(
    principal: Principal, community: dict[str, Any], standing: Standing, *, act: str
) -> None:
    """The caller may change the community (`act` says what, for the message), and it is
    still active."""
    if not can_manage_community(principal, community, standing):
        raise Forbidden(
            "forbidden",
            f"Hanya staf wilayahnya atau penggerak komunitas ini yang boleh {act}.",
        )
    if community["status"] != "active":
        raise Conflict("community_archived", "Komunitas ini sudah diarsipkan.")


def may_enrol(
    principal: Principal, community: dict[str, Any], standing: Standing, person: dict[str, Any]
) -> bool:
    """Whether a manager of the community may add the person without the person's consent:
    staff add the people of their scope, a lead the people of the community's kabupaten/kota.
    Anyone else (a `daring` community spans provinces) joins by an invitation they accept."""
    if principal.covers_region(person["kabkota_code"]):
        return True
    return (
        can_manage_community(principal, community, standing)
        and person["kabkota_code"] == community["kabkota_code"]
    )


# Imports


def require_importer(principal: Principal, kind: ImportKind, *, leads_a_community: bool) -> None:
    """Staff import every kind within their scope, principals people of their school, and
    leads of a community its memberships; each row is then checked as a request would be."""
    allowed = principal.has_any(*STAFF) or (
        (kind is ImportKind.PEOPLE and principal.has_any(Role.PRINCIPAL))
        or (kind is ImportKind.MEMBERSHIPS and leads_a_community)
    )
    if not allowed:
        raise Forbidden("forbidden", "Peran Anda tidak berwenang mengimpor data ini.")
