"""`/notifications/trainings/{training_id}/plan`: whether the WhatsApp account's daily limit can
send a training's confirmations and reminders before its first session."""

import datetime as dt
from typing import TYPE_CHECKING, cast
from uuid import UUID

from fastapi import APIRouter
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession, Runtime
from pydantic import BaseModel, Field

from notifications.whatsapp_plan import TrainingPlan, readable_plan

if TYPE_CHECKING:
    from notifications.app import NotificationsSettings

router = APIRouter(tags=["plans"])


class DayOut(BaseModel):
    date: dt.date = Field(description="Hari (kalender WIB, hari hitungan penyedia WhatsApp)")
    due: int = Field(description="Pesan WhatsApp akun ini yang jatuh waktu hari itu")


class PlanOut(BaseModel):
    training_id: UUID
    first_session_starts_at: dt.datetime | None = Field(description="UTC; kosong bila tidak ada")
    first_session_timezone: str | None
    planned: int = Field(description="Pesan WhatsApp pelatihan ini yang sudah direncanakan")
    expected: int = Field(
        description="Yang masih akan direncanakan: pendaftaran yang belum dijawab (mis. menunggu "
        "data PTK), dihitung seolah semua lewat WhatsApp"
    )
    total: int = Field(description="planned + expected")
    account_total: int = Field(
        description="Semua pesan WhatsApp akun ini (semua pelatihan) sebelum sesi pertama"
    )
    sent_today: int
    daily_limit: int
    days_left: int = Field(description="Hari kirim tersisa, hari ini dan hari sesi dihitung")
    capacity: int = Field(description="Yang masih dapat dikirim akun ini sampai sesi pertama")
    late: int = Field(description="Pesan yang tidak akan sempat terkirim sebelum tenggatnya")
    fits: bool
    warning: str | None = Field(description="Peringatan untuk penyelenggara, bila tidak cukup")
    days: list[DayOut]


def plan_out(plan: TrainingPlan) -> PlanOut:
    return PlanOut(
        training_id=plan.training_id,
        first_session_starts_at=plan.first_session_starts_at,
        first_session_timezone=plan.first_session_timezone,
        planned=plan.planned,
        expected=plan.expected,
        total=plan.planned + plan.expected,
        account_total=plan.account_total,
        sent_today=plan.sent_today,
        daily_limit=plan.daily_limit,
        days_left=plan.outlook.days_left,
        capacity=plan.outlook.capacity,
        late=plan.outlook.late,
        fits=plan.outlook.fits,
        warning=plan.warning,
        days=[DayOut(date=day, due=count) for day, count in plan.outlook.per_day],
    )


@router.get(
    "/trainings/{training_id}/plan",
    response_model=PlanOut,
    summary="Rencana kirim WhatsApp sebuah pelatihan terhadap batas harian akun",
    responses={404: {"description": "Pelatihan tidak ditemukan atau di luar wilayah Anda"}},
)
async def whatsapp_plan(
    training_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> PlanOut:
    limit = cast("NotificationsSettings", runtime.settings).whatsapp_daily_limit
    async with session.begin():
        plan = await readable_plan(session, principal, training_id, limit)
    return plan_out(plan)
