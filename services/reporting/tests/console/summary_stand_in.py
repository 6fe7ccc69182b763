"""A stand-in for `GET /reporting/regions/{code}/summary` while that route is not part of the
service: the same answer's shape from the community directory alone (counts of communities,
every other figure zero). Installed only where the real route is missing, so the console's
tests compare pages with whichever answer the platform gives."""

import io
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, Response
from kombel_events.regions import regions
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession
from kombel_runtime.spreadsheet_cells import csv_document
from openpyxl import Workbook
from reporting.api.communities import scope_filter
from reporting.db.tables import community_directory as directory
from sqlalchemy import and_, select

PATH = "/reporting/regions/{code}/summary"


def install(app: FastAPI) -> bool:
    """Add the stand-in unless the app answers the path already; whether it was added."""
    # Routers are included lazily, so the OpenAPI document is where the routes are listed.
    if PATH in app.openapi()["paths"]:
        return False
    router = APIRouter()

    @router.get(PATH, include_in_schema=False)
    async def summary(
        code: str,
        principal: CurrentPrincipal,
        session: DbSession,
        kind: str | None = None,
        forum_type: str | None = None,
        jenjang: str | None = None,
        format: str = "json",
    ) -> Response:
        column = directory.c.kabkota_code if "." in code else directory.c.province_code
        where = [scope_filter(principal), column == code]
        if kind:
            where.append(directory.c.kind == kind)
        if forum_type:
            where.append(directory.c.forum_type == forum_type)
        if jenjang:
            where.append(directory.c.jenjang.any(jenjang))
        rows = (await session.execute(select(directory).where(and_(*where)))).mappings().all()
        if "." in code:
            items: list[dict[str, Any]] = [
                {
                    "community_id": str(r["community_id"]),
                    "name": r["name"],
                    "kind": r["kind"],
                    "forum_type": r["forum_type"],
                    "jenjang": r["jenjang"],
                    "members": 0,
                    "activities_30d": 0,
                    "activities_90d": 0,
                    "last_activity_at": None,
                    "attendance_rate": None,
                    "phases_this_semester": 0,
                    "active": False,
                }
                for r in sorted(rows, key=lambda r: r["name"])
            ]
            return _answer(format, code, items, _totals(len(items)))
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["kabkota_code"]] = counts.get(r["kabkota_code"], 0) + 1
        directory_names = regions()
        items = []
        for kabkota, count in sorted(counts.items()):
            place = directory_names.get(kabkota)
            items.append(
                {"kabkota_code": kabkota, "name": place.name if place else kabkota} | _totals(count)
            )
        return _answer(format, code, items, _totals(sum(counts.values())))

    app.include_router(router)
    return True


def _totals(communities: int) -> dict[str, Any]:
    return {
        "communities": communities,
        "active": 0,
        "inactive": communities,
        "active_share": 0.0 if communities else None,
        "activities_30d": 0,
        "members": 0,
    }


def _answer(
    format: str, code: str, items: list[dict[str, Any]], totals: dict[str, Any]
) -> Response:
    if format == "json":
        return JSONResponse({"items": items, "totals": totals})
    keys = list(items[0]) if items else list(totals)
    rows: list[list[Any]] = [keys, *[[_cell(i.get(k)) for k in keys] for i in items]]
    disposition = {"Content-Disposition": f'attachment; filename="ringkasan-{code}.{format}"'}
    if format == "csv":
        return Response(csv_document(rows), media_type="text/csv", headers=disposition)
    book = Workbook()
    for row in rows:
        book.active.append(row)
    saved = io.BytesIO()
    book.save(saved)
    return Response(saved.getvalue(), media_type="application/octet-stream", headers=disposition)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else value
