"""The dev outbox's page: what the local mail catcher and gateway recorder received, newest
first, for staff trying the platform locally (`GET /notifications/dev/outbox`, and `.json`).

Absent in production (404): there the dev outbox never runs and its table stays empty.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment as Templates
from kombel_runtime.auth import CurrentPrincipal, Principal, Role, require_any
from kombel_runtime.errors import NotFound
from kombel_runtime.pagination import Page, keyset_page
from kombel_runtime.service import DbSession, Runtime
from kombel_runtime.settings import Environment
from pydantic import BaseModel
from sqlalchemy import select

from notifications.db.tables import dev_outbox

router = APIRouter(tags=["notifikasi: kotak keluar lokal"])

_STAFF = (Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF, Role.DISTRICT_STAFF)

_PAGE = Templates(autoescape=True).from_string(
    """<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>Kotak keluar lokal · Kombel</title>
<style>
 body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2933; }
 table { border-collapse: collapse; width: 100%; }
 th, td { border-bottom: 1px solid #d9e2ec; padding: .5rem; text-align: left; vertical-align: top; }
 pre { white-space: pre-wrap; margin: 0; font-family: inherit; }
 .saluran { font-weight: 600; text-transform: uppercase; font-size: .8rem; }
</style>
</head>
<body>
<h1>Kotak keluar lokal</h1>
<p>Pesan yang akan terkirim lewat email, WhatsApp atau SMS, ditangkap oleh server lokal
(tidak ada yang benar-benar dikirim). Yang terbaru di atas.</p>
{% if items %}
<table>
<thead>
<tr><th>Waktu (UTC)</th><th>Saluran</th><th>Penerima</th><th>Subjek</th><th>Isi</th></tr>
</thead>
<tbody>
{% for item in items %}
<tr>
 <td>{{ item.received_at.strftime("%Y-%m-%d %H.%M.%S") }}</td>
 <td class="saluran">{{ item.channel }}</td>
 <td>{{ item.recipient }}</td>
 <td>{{ item.subject or "—" }}</td>
 <td><pre>{{ item.body }}</pre></td>
</tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>Belum ada pesan. Pesan muncul di sini begitu pengirim lokal menerimanya.</p>
{% endif %}
</body>
</html>
"""
)


class DevOutboxItem(BaseModel):
    id: int
    channel: str
    recipient: str
    subject: str | None
    body: str
    received_at: datetime


def _item(row: dict[str, Any]) -> DevOutboxItem:
    return DevOutboxItem.model_validate(row)


async def _staff_outside_production(runtime: Runtime, principal: CurrentPrincipal) -> Principal:
    if runtime.settings.environment is Environment.PRODUCTION:
        raise NotFound("not_found", "Alamat yang diminta tidak ditemukan.")
    require_any(principal, *_STAFF)
    return principal


Staff = Annotated[Principal, Depends(_staff_outside_production)]


@router.get(
    "/dev/outbox.json",
    response_model=Page[DevOutboxItem],
    summary="Pesan yang ditangkap kotak keluar lokal, yang terbaru lebih dulu",
)
async def list_dev_outbox(
    _: Staff,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Page[DevOutboxItem]:
    async with session.begin():
        return await keyset_page(
            session,
            select(dev_outbox),
            dev_outbox.c.id,
            limit=limit,
            cursor=cursor,
            item=_item,
            parse=int,
            newest_first=True,
        )


@router.get(
    "/dev/outbox",
    response_class=HTMLResponse,
    summary="Halaman kotak keluar lokal (mode pengembangan)",
)
async def dev_outbox_page(
    _: Staff,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> HTMLResponse:
    async with session.begin():
        rows = (
            (
                await session.execute(
                    select(dev_outbox).order_by(dev_outbox.c.id.desc()).limit(limit)
                )
            )
            .mappings()
            .all()
        )
    return HTMLResponse(_PAGE.render(items=[_item(dict(row)) for row in rows]))
