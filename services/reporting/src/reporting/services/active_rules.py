"""Use cases of the active rule: read the rule in force, set a province's or the national one,
give a province back to the national default. Each change recomputes `active_until` of the
communities the rule governs in the caller's transaction, province by province, in one
statement each (`reporting.projections.activeness`).
"""

from typing import Any

from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Conflict, Forbidden
from kombel_runtime.projections import TableNames
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.db import rules
from reporting.domain.active_rule import NATIONAL_DEFAULT, ActiveRule
from reporting.domain.region_scope import all_provinces, province_of
from reporting.projections import COMMUNITIES
from reporting.projections.activeness import recompute_province

_LIVE: TableNames = {t: t for t in COMMUNITIES.tables}


def rule_scope(code: str | None) -> str:
    """The province a request names ('' for the national rule); 404 for an unknown one."""
    return rules.NATIONAL if code is None else province_of(code).code


def require_staff(principal: Principal) -> None:
    if not principal.has_any(Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF, Role.DISTRICT_STAFF):
        raise Forbidden("forbidden", "Aturan komunitas aktif hanya untuk staf.")


def require_setter(principal: Principal, province: str) -> None:
    if Role.NATIONAL_ADMIN in principal.roles:
        return
    if province and Role.PROVINCE_STAFF in principal.roles and principal.province == province:
        return
    raise Forbidden(
        "forbidden",
        "Aturan nasional diubah oleh admin nasional; aturan provinsi oleh staf provinsi itu.",
    )


async def rule_view(
    session: AsyncSession, province: str, recomputed: int | None = None
) -> dict[str, Any]:
    """The rule in force for `province` ('' national), and whether it is inherited."""
    found = await rules.rule_in_force(session, province)
    rule = found or {
        "province_code": rules.NATIONAL,
        "min_activities": NATIONAL_DEFAULT.min_activities,
        "window_days": NATIONAL_DEFAULT.window_days,
        "min_members_present": NATIONAL_DEFAULT.min_members_present,
        "updated_at": None,
        "updated_by": None,
    }
    return rule | {
        "province_code": province or None,
        "inherited": bool(province) and rule["province_code"] != province,
        "recomputed": recomputed,
    }


async def _recompute(session: AsyncSession, province: str) -> int:
    """Recompute the communities the rule of `province` ('' the national one) governs."""
    if province:
        return await recompute_province(session, _LIVE, province)
    own = await rules.provinces_with_own_rule(session)
    changed = 0
    for code in sorted(all_provinces() - own):
        changed += await recompute_province(session, _LIVE, code)
    return changed


async def set_rule(
    session: AsyncSession, principal: Principal, province: str, rule: ActiveRule
) -> dict[str, Any]:
    require_setter(principal, province)
    await rules.store_rule(session, province, rule, principal.subject)
    changed = await _recompute(session, province)
    return await rule_view(session, province, changed)


async def reset_rule(session: AsyncSession, principal: Principal, province: str) -> None:
    if not province:
        raise Conflict(
            "national_rule_required",
            "Aturan nasional tidak dapat dihapus; ubah nilainya dengan PUT.",
        )
    require_setter(principal, province)
    if await rules.drop_rule(session, province):
        await _recompute(session, province)
