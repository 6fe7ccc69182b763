"""`/reporting/active-rule`: when a community counts as active, per province or nationally.

Anyone on staff reads a rule (`?province=12`, or the national default without it) and learns
whether it is the province's own or inherited from the national default. National admins set
the national default and any province's rule; province staff their own province's
(`reporting.services.active_rules`). Dashboards' kept answers are dropped after a change.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession, Runtime
from pydantic import BaseModel, ConfigDict, Field

from reporting.api.answers import forget_answers
from reporting.domain.active_rule import (
    MIN_ACTIVITIES,
    MIN_MEMBERS_PRESENT,
    WINDOW_DAYS,
    ActiveRule,
)
from reporting.services import active_rules as use

router = APIRouter(prefix="/active-rule", tags=["active-rule"])

Province = Annotated[
    str | None,
    Query(pattern=r"^\d{2}$", description="Kode provinsi; tanpa ini: aturan nasional"),
]


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
    use.require_staff(principal)
    return ActiveRuleOut.model_validate(await use.rule_view(session, use.rule_scope(province)))


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
    rule = ActiveRule(body.min_activities, body.window_days, body.min_members_present)
    async with session.begin():
        answer = await use.set_rule(session, principal, use.rule_scope(province), rule)
    await forget_answers(runtime)
    return ActiveRuleOut.model_validate(answer)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_UNKNOWN_PROVINCE | {409: {"description": "Aturan nasional tidak dapat dihapus"}},
    summary="Kembalikan provinsi ke aturan nasional",
)
async def delete_active_rule(
    principal: CurrentPrincipal, session: DbSession, runtime: Runtime, province: Province = None
) -> Response:
    async with session.begin():
        await use.reset_rule(session, principal, use.rule_scope(province))
    await forget_answers(runtime)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
