"""`/notifications/templates`: the messages' templates, and a preview of one with sample data,
for the staff who word them."""

from typing import TYPE_CHECKING, cast

from fastapi import APIRouter
from kombel_runtime.auth import CurrentPrincipal, Role, require_any
from kombel_runtime.service import Runtime

from notifications.rendering import TEMPLATES, Links
from notifications.schemas import PreviewIn, PreviewOut, TemplateList, TemplateOut
from notifications.services.template_previews import PreviewRequest, preview

if TYPE_CHECKING:
    from notifications.app import NotificationsSettings

router = APIRouter(prefix="/templates", tags=["templates"])

STAFF = (Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF, Role.DISTRICT_STAFF)


@router.get("", response_model=TemplateList, summary="Templat pesan, satu per aturan")
async def list_templates(principal: CurrentPrincipal) -> TemplateList:
    require_any(principal, *STAFF)
    return TemplateList(
        items=[TemplateOut(name=name, description=text) for name, text in TEMPLATES.items()]
    )


@router.post(
    "/{name}/preview",
    response_model=PreviewOut,
    summary="Tampilkan satu templat dengan data contoh",
    responses={404: {"description": "Tidak ada templat dengan nama ini"}},
)
async def preview_template(
    name: str, principal: CurrentPrincipal, runtime: Runtime, body: PreviewIn | None = None
) -> PreviewOut:
    require_any(principal, *STAFF)
    asked = body or PreviewIn()
    rendered = preview(
        name,
        PreviewRequest(
            channel=asked.channel,
            language=asked.language,
            timezone=asked.timezone,
            overrides=asked.overrides,
        ),
        Links.of(cast("NotificationsSettings", runtime.settings)),
    )
    return PreviewOut(subject=rendered.subject, text=rendered.text, html=rendered.html)
