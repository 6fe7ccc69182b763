"""`GET /reporting/trainings/{id}/summary`: a bimtek day live, one row per session.

The roll-up is a `GROUP BY` over one training's registrations in the read model (a few
thousand rows at most), kept in Redis for a second per training and scope: a committee's
check-in shows within the two seconds the consumer and the cache take between them, and a
room of officers refreshing the page costs one query a second.
"""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from kombel_events.regions import regions
from kombel_runtime.auth import CurrentPrincipal, Principal, Role
from kombel_runtime.errors import NotFound
from kombel_runtime.service import DbSession, Runtime
from pydantic import BaseModel, Field
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.api.answers import cached_answer
from reporting.api.tables import TABLE_FILES, Column, TableFormat, table_response
from reporting.db.trainings_tables import training_registrations_rm as registrations
from reporting.db.trainings_tables import training_sessions_rm as sessions
from reporting.db.trainings_tables import trainings_rm as trainings

router = APIRouter(prefix="/trainings", tags=["trainings"])

# A roll-up is kept a second at most: a check-in shows on the bimtek day within two.
LIVE_SECONDS = 1.0


class SessionRollup(BaseModel):
    session_id: UUID
    code: str
    kabkota_code: str
    kabkota_name: str | None
    venue: str
    starts_at: datetime = Field(description="UTC")
    ends_at: datetime = Field(description="UTC")
    timezone: str = Field(description="WIB, WITA atau WIT")
    capacity: int
    registered: int = Field(description="Kursi terisi, sudah hadir atau belum")
    waitlisted: int = Field(description="Tempat di daftar tunggu")
    checked_in: int = Field(description="Peserta berkursi yang sudah hadir")
    no_show: int = Field(description="Peserta berkursi yang tidak hadir; 0 sebelum sesi selesai")
    cancelled: bool


class RollupTotals(BaseModel):
    registered: int
    waitlisted: int
    checked_in: int
    no_show: int


class TrainingRollup(BaseModel):
    items: list[SessionRollup]
    totals: RollupTotals


def training_not_found() -> NotFound:
    return NotFound(
        "training_not_found",
        "Pelatihan tidak ditemukan atau di luar wilayah kewenangan Anda.",
    )


def _scope(principal: Principal) -> str | None:
    """The caller's reach as a cache key part: the whole country, a province or a
    kabupaten/kota; None for callers who see no training's roll-up."""
    if Role.NATIONAL_ADMIN in principal.roles:
        return "national"
    if Role.PROVINCE_STAFF in principal.roles and principal.province:
        return f"province:{principal.province}"
    if Role.DISTRICT_STAFF in principal.roles and principal.kabkota:
        return f"kabkota:{principal.kabkota}"
    return None


async def rollup(session: AsyncSession, training_id: UUID, scope: str) -> TrainingRollup:
    """The training's sessions that the scope sees, with their counts; `training_not_found`
    when it sees none (or the training is unknown)."""
    province = await session.scalar(
        select(trainings.c.province_code).where(trainings.c.training_id == training_id)
    )
    if province is None:
        raise training_not_found()
    kind, _, code = scope.partition(":")
    if kind == "province" and code != province:
        raise training_not_found()
    seat = registrations.c.status == "registered"
    checked_in = registrations.c.checked_in_at.is_not(None)
    query = (
        select(
            sessions,
            func.count().filter(seat).label("registered"),
            func.count().filter(registrations.c.status == "waitlisted").label("waitlisted"),
            func.count().filter(seat, checked_in).label("checked_in"),
            func.count()
            .filter(seat, ~checked_in, sessions.c.ends_at <= func.now())
            .label("no_show"),
        )
        .select_from(
            sessions.outerjoin(
                registrations,
                and_(
                    registrations.c.training_id == sessions.c.training_id,
                    registrations.c.session_id == sessions.c.session_id,
                ),
            )
        )
        .where(sessions.c.training_id == training_id)
        .group_by(sessions.c.session_id)
        .order_by(sessions.c.starts_at, sessions.c.code)
    )
    if kind == "kabkota":
        query = query.where(sessions.c.kabkota_code == code)
    rows = (await session.execute(query)).mappings().all()
    if kind == "kabkota" and not rows:
        raise training_not_found()
    directory = regions()
    items = [
        SessionRollup.model_validate(
            dict(row) | {"kabkota_name": _region_name(directory.get(row["kabkota_code"]))}
        )
        for row in rows
    ]
    totals = RollupTotals(
        registered=sum(i.registered for i in items),
        waitlisted=sum(i.waitlisted for i in items),
        checked_in=sum(i.checked_in for i in items),
        no_show=sum(i.no_show for i in items),
    )
    return TrainingRollup(items=items, totals=totals)


def _region_name(region: Any) -> str | None:
    return region.display_name if region is not None else None


async def _cached_rollup(
    runtime: Runtime, session: AsyncSession, training_id: UUID, scope: str
) -> TrainingRollup:
    kept = await cached_answer(
        runtime,
        ("training-rollup", str(training_id), scope),
        lambda: rollup(session, training_id, scope),
        at_most=LIVE_SECONDS,
    )
    return TrainingRollup.model_validate(kept)


# Columns of the downloads, with their headings for people.
COLUMNS = (
    Column("code", "Kode sesi"),
    Column("kabkota_code", "Kode kabupaten/kota"),
    Column("kabkota_name", "Kabupaten/kota"),
    Column("venue", "Tempat"),
    Column("starts_at", "Mulai (UTC)"),
    Column("ends_at", "Selesai (UTC)"),
    Column("timezone", "Zona waktu"),
    Column("capacity", "Kapasitas"),
    Column("registered", "Terdaftar"),
    Column("waitlisted", "Daftar tunggu"),
    Column("checked_in", "Hadir"),
    Column("no_show", "Tidak hadir"),
    Column("cancelled", "Dibatalkan"),
)


@router.get(
    "/{training_id}/summary",
    response_model=TrainingRollup,
    summary="Rekap pelatihan per sesi: terdaftar, daftar tunggu, hadir, tidak hadir",
    responses=TABLE_FILES,
)
async def training_summary(
    training_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    output: Annotated[
        TableFormat, Query(alias="format", description="json (bawaan), csv atau xlsx")
    ] = TableFormat.JSON,
) -> Any:
    scope = _scope(principal)
    if scope is None:
        raise training_not_found()
    answer = await _cached_rollup(runtime, session, training_id, scope)
    if output is TableFormat.JSON:
        return answer
    return table_response(
        output,
        COLUMNS,
        [item.model_dump(mode="json") for item in answer.items],
        answer.totals.model_dump(mode="json"),
        f"rekap-pelatihan-{training_id}",
    )
