"""`/notifications/preferences` (the caller's own channels and quiet hours) and
`/notifications/unsubscribe` (the signed link in every message: a confirmation page, and the
one-click POST of RFC 8058 that mail clients send; no sign-in)."""

from html import escape
from typing import TYPE_CHECKING, Annotated, Any, cast

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from kombel_events.notifications import Channel
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession, Runtime

from notifications.schemas import PreferencesIn, PreferencesOut
from notifications.services import preferences
from notifications.services.callers import NO_PERSON_ANSWER, own_person

if TYPE_CHECKING:
    from notifications.app import NotificationsSettings

router = APIRouter(tags=["preferences"])

_BAD_LINK: dict[int | str, dict[str, Any]] = {
    400: {"description": "Tautan tidak sah atau terpotong"}
}

_LABELS = {Channel.EMAIL: "email", Channel.WHATSAPP: "WhatsApp", Channel.SMS: "SMS"}

Token = Annotated[str, Query(max_length=200, description="Dari tautan di pesan")]


def _secret(runtime: Runtime) -> bytes:
    settings = cast("NotificationsSettings", runtime.settings)
    return settings.unsubscribe_secret.get_secret_value().encode()


@router.get(
    "/preferences",
    response_model=PreferencesOut,
    summary="Saluran dan jam tenang Anda",
    responses=NO_PERSON_ANSWER,
)
async def get_preferences(principal: CurrentPrincipal, session: DbSession) -> PreferencesOut:
    person_id = own_person(principal)
    async with session.begin():
        return await preferences.preferences_of(session, person_id)


@router.put(
    "/preferences",
    response_model=PreferencesOut,
    summary="Ganti saluran dan jam tenang Anda (saluran yang tidak disebut: menyala)",
    responses=NO_PERSON_ANSWER,
)
async def put_preferences(
    body: PreferencesIn, principal: CurrentPrincipal, session: DbSession
) -> PreferencesOut:
    """Quiet hours are local time of your place: messages wait until they end, unless they
    would then be too late (a reminder after its session)."""
    person_id = own_person(principal)
    async with session.begin():
        return await preferences.set_preferences(session, person_id, body)


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:40px auto;'
        'padding:0 16px;line-height:1.5;color:#1f2933">'
        f'<h1 style="font-size:22px">{escape(title)}</h1>{body}</body></html>'
    )


_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@router.get(
    "/unsubscribe",
    response_class=HTMLResponse,
    summary="Halaman berhenti berlangganan dari tautan di pesan (tanpa token masuk)",
    responses=_BAD_LINK,
)
async def unsubscribe_page(token: Token, runtime: Runtime) -> HTMLResponse:
    # Opening the link changes nothing: mail scanners open links too. The button does it.
    _, channel = preferences.unsubscribing(_secret(runtime), token)
    label = _LABELS[channel]
    body = (
        f"<p>Anda tidak akan lagi menerima pesan Kombel lewat {label}. Pesan tetap dapat dibaca "
        "di kotak masuk aplikasi Kombel, dan saluran ini dapat dinyalakan lagi di pengaturan "
        "notifikasi.</p>"
        f'<form method="post" action="/notifications/unsubscribe?token={escape(token)}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit" style="font-size:16px;padding:10px 18px">'
        f"Berhenti menerima {label}</button></form>"
    )
    return HTMLResponse(_page(f"Berhenti menerima pesan {label}?", body), headers=_HEADERS)


@router.post(
    "/unsubscribe",
    response_class=HTMLResponse,
    summary="Berhenti berlangganan satu saluran (sekali klik, RFC 8058)",
    responses=_BAD_LINK,
)
async def unsubscribe(token: Token, session: DbSession, runtime: Runtime) -> HTMLResponse:
    async with session.begin():
        channel = await preferences.unsubscribe(session, _secret(runtime), token)
    label = _LABELS[channel]
    body = (
        f"<p>Kombel tidak akan lagi mengirim pesan lewat {label} kepada Anda. Pesan tetap "
        "dapat dibaca di kotak masuk aplikasi Kombel. Untuk menyalakannya lagi, buka "
        "pengaturan notifikasi.</p>"
    )
    return HTMLResponse(_page(f"Anda berhenti menerima pesan {label}", body), headers=_HEADERS)
