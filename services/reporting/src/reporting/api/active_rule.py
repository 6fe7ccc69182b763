"""`/reporting/active-rule`: when a community counts as active, per province or nationally.

Anyone on staff reads a rule (`?province=12`, or the national default without it) and learns
whether it is the province's own or inherited from the national default. National admins set
the national default and any province's rule; province staff their own province's. A change
recomputes `active_until` of the communities it governs at once, province by province, in one
statement each.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from kombel_runtime.auth import CurrentPrincipal, Principal, Role
from kombel_runtime.errors import Conflict, Forbidden
from kombel_runtime.projections import TableNames
from kombel_runtime.service import DbSession, Runtime
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.api.answers import forget_answers
from reporting.db import rules
from reporting.domain.active_rule import (
    MIN_ACTIVITIES,
    MIN_MEMBERS_PRESENT,
    NATIONAL_DEFAULT,
    WINDOW_DAYS,
    ActiveRule,
)
from reporting.domain.region_scope import all_provinces, province_of
from reporting.projections import COMMUNITIES
from reporting.projections.activeness import recompute_province

router = APIRouter(prefix="/active-rule", tags=["active-rule"])

Province = Annotated[
    str | None,
    Query(pattern=r"^\d{2}$", description="Kode provinsi; tanpa ini: aturan nasional"),
]
_LIVE: TableNames = {t: t for t in COMMUNITIES.tables}


class ActiveRuleIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"min_activities": 2, "window_days": 60, "min_members_present": 3}]
        },
    )

    min_activities: int = Field(
        ge=MIN_ACTIVITIES[0], le=MIN_ACTIVITIES[1], description="Kegiatan paling sedikit"
    )
    window_days: int = Field(
        ge=WINDOW_DAYS[0], le=WINDOW_DAYS[1], description="Dalam berapa hari terakhir"
    )
    min_members_present: int = Field(
        ge=MIN_MEMBERS_PRESENT[0],
        le=MIN_MEMBERS_PRESENT[1],
        description="Anggota hadir paling sedikit di tiap kegiatan",
    )


class ActiveRuleOut(BaseModel):
    province_code: str | None = Field(description="None: aturan nasional")
    min_activities: int
    window_days: int
    min_members_present: int
    inherited: bool = Field(description="Provinsi ini memakai aturan nasional")
    updated_at: datetime | None
    updated_by: str | None
    recomputed: int | None = Field(
        default=None, description="Komunitas yang status aktifnya berubah karena perubahan ini"
    )


def _staff(principal: Principal) -> None:
    if not principal.has_any(Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF, Role.DISTRICT_STAFF):
        raise Forbidden("forbidden", "Aturan komunitas aktif hanya untuk staf.")


def _province(code: str | None) -> str:
    if code is None:
        return rules.NATIONAL
    return province_of(code).code


def _may_set(principal: Principal, province: str) -> None:
    if Role.NATIONAL_ADMIN in principal.roles:
        return
    if province and Role.PROVINCE_STAFF in principal.roles and principal.province == province:
        return
    raise Forbidden(
        "forbidden",
        "Aturan nasional diubah oleh admin nasional; aturan provinsi oleh staf provinsi itu.",
    )


async def _answer(
    session: AsyncSession, province: str, recomputed: int | None = None
) -> ActiveRuleOut:
    found = await rules.rule_in_force(session, province)
    rule = found or {
        "province_code": rules.NATIONAL,
        "min_activities": NATIONAL_DEFAULT.min_activities,
        "window_days": NATIONAL_DEFAULT.window_days,
        "min_members_present": NATIONAL_DEFAULT.min_members_present,
        "updated_at": None,
        "updated_by": None,
    }
    return ActiveRuleOut(
        province_code=province or None,
        min_activities=rule["min_activities"],
        window_days=rule["window_days"],
        min_members_present=rule["min_members_present"],
        inherited=bool(province) and rule["province_code"] != province,
        updated_at=rule["updated_at"],
        updated_by=rule["updated_by"],
        recomputed=recomputed,
    )


async def _recompute(session: AsyncSession, province: str) -> int:
    """Recompute the communities the rule of `province` ('' the national one) governs."""
    if province:
        return await recompute_province(session, _LIVE, province)
    own = await rules.provinces_with_own_rule(session)
    changed = 0
    for code in sorted(all_provinces() - own):
        changed += await recompute_province(session, _LIVE, code)
    return changed


_UNKNOWN_PROVINCE: dict[int | str, dict[str, Any]] = {
    404: {"description": "Provinsi tidak dikenal"}
}


@router.get(
    "",
    response_model=ActiveRuleOut,
    responses=_UNKNOWN_PROVINCE,
    summary="Aturan komunitas aktif yang berlaku",
)
async def get_active_rule(
    principal: CurrentPrincipal, session: DbSession, province: Province = None
) -> ActiveRuleOut:
    _staff(principal)
    return await _answer(session, _province(province))


@router.put(
    "",
    response_model=ActiveRuleOut,
    responses=_UNKNOWN_PROVINCE,
    summary="Tetapkan aturan komunitas aktif",
)
async def put_active_rule(
    body: ActiveRuleIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    province: Province = None,
) -> ActiveRuleOut:
    code = _province(province)
    _may_set(principal, code)
    rule = ActiveRule(body.min_activities, body.window_days, body.min_members_present)
    async with session.begin():
        await rules.store_rule(session, code, rule, principal.subject)
        changed = await _recompute(session, code)
        answer = await _answer(session, code, changed)
    await forget_answers(runtime)
    return answer


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_UNKNOWN_PROVINCE | {409: {"description": "Aturan nasional tidak dapat dihapus"}},
    summary="Kembalikan provinsi ke aturan nasional",
)
async def delete_active_rule(
    principal: CurrentPrincipal, session: DbSession, runtime: Runtime, province: Province = None
) -> Response:
    code = _province(province)
    if not code:
        raise Conflict(
            "national_rule_required",
            "Aturan nasional tidak dapat dihapus; ubah nilainya dengan PUT.",
        )
    _may_set(principal, code)
    async with session.begin():
        if await rules.drop_rule(session, code):
            await _recompute(session, code)
    await forget_answers(runtime)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
