"""`/reporting/regions/{code}/…`: a province or kabupaten/kota summarised, and its weeks.

A province answers one row per kabupaten/kota (those with no community too), a kabupaten/kota
one row per community; both with totals, as JSON or as a CSV/XLSX download. Answers come from
the read models and are cached for a few seconds per scope and question (`reporting.api.answers`).
"""

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from kombel_events.membership import CommunityKind, ForumType, Jenjang
from kombel_events.regions import regions
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession, Runtime

from reporting.api.answers import cached_json
from reporting.api.tables import TABLE_FILES, Column, TableAnswer, TableFormat, table_response
from reporting.db import summaries
from reporting.db.summaries import CommunityFilter, Periods
from reporting.domain.periods import iso_week
from reporting.domain.region_scope import RegionView, region_view
from reporting.domain.summary_rows import (
    community_item,
    community_totals,
    kabkota_item,
    kabkota_totals,
)

router = APIRouter(prefix="/regions", tags=["regions"])

KABKOTA_COLUMNS = (
    Column("kabkota_code", "Kode"),
    Column("name", "Kabupaten/Kota"),
    Column("communities", "Komunitas"),
    Column("active", "Aktif"),
    Column("inactive", "Tidak aktif"),
    Column("active_share", "Proporsi aktif"),
    Column("activities_30d", "Kegiatan 30 hari"),
    Column("members", "Anggota"),
)
COMMUNITY_COLUMNS = (
    Column("community_id", "ID komunitas"),
    Column("name", "Nama komunitas"),
    Column("kind", "Jenis"),
    Column("forum_type", "Wadah"),
    Column("jenjang", "Jenjang"),
    Column("members", "Anggota"),
    Column("activities_30d", "Kegiatan 30 hari"),
    Column("activities_90d", "Kegiatan 90 hari"),
    Column("last_activity_at", "Kegiatan terakhir (UTC)"),
    Column("attendance_rate", "Tingkat kehadiran"),
    Column("phases_this_semester", "Tahap siklus semester ini"),
    Column("active", "Aktif"),
)
WEEKLY_COLUMNS = (
    Column("week", "Minggu"),
    Column("week_start", "Mulai"),
    Column("activities", "Kegiatan"),
    Column("communities_registered", "Komunitas terdaftar"),
    Column("active", "Komunitas aktif di akhir minggu"),
)

RegionCode = Annotated[str, "Kode Kemendagri: provinsi `12` atau kabupaten/kota `12.11`"]
Format = Annotated[TableFormat, Query(description="json, csv atau xlsx")]


async def _summary(
    session: DbSession, view: RegionView, filters: CommunityFilter, now: datetime
) -> dict[str, Any]:
    periods = Periods.at(view.region.timezone, now)
    if view.is_province:
        figures = await summaries.kabkota_rows(
            session, view.province_code, view.only_kabkota, filters, periods
        )
        places = [
            r
            for r in regions().kabkota_of(view.province_code)
            if view.only_kabkota in (None, r.code)
        ]
        kabkota = [kabkota_item(r, figures.get(r.code)) for r in places]
        return {"items": kabkota, "totals": kabkota_totals(kabkota)}
    rows = await summaries.community_rows(
        session, view.province_code, view.region.code, filters, periods
    )
    items = [community_item(r, now) for r in rows]
    return {"items": items, "totals": community_totals(items)}


@router.get(
    "/{code}/summary",
    response_model=TableAnswer,
    responses=TABLE_FILES,
    summary="Ringkasan wilayah: per kabupaten/kota untuk provinsi, per komunitas untuk "
    "kabupaten/kota",
)
async def region_summary(
    code: RegionCode,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    kind: CommunityKind | None = None,
    forum_type: ForumType | None = None,
    jenjang: Jenjang | None = None,
    format: Format = TableFormat.JSON,
) -> Response:
    view = region_view(principal, code)
    filters = CommunityFilter(
        kind.value if kind else None,
        forum_type.value if forum_type else None,
        jenjang.value if jenjang else None,
    )
    now = datetime.now(UTC)
    body = await cached_json(
        runtime,
        ["summary", view.scope, code, view.only_kabkota or "", filters.key()],
        lambda: _summary(session, view, filters, now),
    )
    if format is TableFormat.JSON:
        return Response(body, media_type="application/json")
    answer = json.loads(body)
    columns = KABKOTA_COLUMNS if view.is_province else COMMUNITY_COLUMNS
    return table_response(
        format, columns, answer["items"], answer["totals"], filename=f"ringkasan-{code}"
    )


async def _weekly(
    session: DbSession, view: RegionView, weeks: int, now: datetime
) -> dict[str, Any]:
    periods = Periods.at(view.region.timezone, now)
    kabkota = view.only_kabkota or (None if view.is_province else view.region.code)
    found = await summaries.region_weeks(
        session, view.region.timezone, view.province_code, kabkota, periods, weeks
    )
    items: list[dict[str, Any]] = []
    for start in summaries.week_starts(periods, weeks):
        figures = found.get(start, {})
        items.append(
            {
                "week": iso_week(start),
                "week_start": start,
                "activities": figures.get("activities", 0),
                "communities_registered": figures.get("communities_registered", 0),
                # None for a week whose end was not recorded (before reporting ran).
                "active": figures.get("active"),
            }
        )
    totals = {
        "activities": sum(i["activities"] for i in items),
        "communities_registered": sum(i["communities_registered"] for i in items),
    }
    return {"items": items, "totals": totals}


@router.get(
    "/{code}/weekly",
    response_model=TableAnswer,
    responses=TABLE_FILES,
    summary="Deret mingguan wilayah: kegiatan dan komunitas baru",
)
async def region_weekly(
    code: RegionCode,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    weeks: Annotated[int, Query(ge=1, le=104, description="Berapa minggu terakhir")] = 12,
    format: Format = TableFormat.JSON,
) -> Response:
    view = region_view(principal, code)
    now = datetime.now(UTC)
    body = await cached_json(
        runtime,
        ["weekly", view.scope, code, view.only_kabkota or "", str(weeks)],
        lambda: _weekly(session, view, weeks, now),
    )
    if format is TableFormat.JSON:
        return Response(body, media_type="application/json")
    answer = json.loads(body)
    return table_response(
        format, WEEKLY_COLUMNS, answer["items"], answer["totals"], filename=f"mingguan-{code}"
    )
