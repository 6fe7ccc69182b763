"""Tickets, check-in at a session (one scan or a batch collected offline), the public keys that
verify tickets, and certificates with their public verification."""

import base64
from collections import Counter
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from fastapi import APIRouter, Request, Response
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.errors import ApiError
from kombel_runtime.service import DbSession, Runtime

from activities.checkin_schemas import (
    BatchIn,
    BatchOut,
    CertificateCheck,
    CheckinIn,
    CheckinOut,
    KeyOut,
    KeysOut,
    ScanOut,
)
from activities.domain.certificates import certificate_pdf
from activities.domain.tickets import TICKET_FORMAT, ticket_svg
from activities.services import checkins
from activities.services.certificates import (
    certificate_text,
    check_certificate,
    issue_certificate,
)
from activities.services.checkins import RegistrationCancelled, readable_seat
from activities.services.signing_keys import ALGORITHM, keyring, ticket_for

if TYPE_CHECKING:
    from activities.app import ActivitiesSettings

router = APIRouter(tags=["check-in"])


def _settings(runtime: Runtime) -> "ActivitiesSettings":
    return cast("ActivitiesSettings", runtime.settings)


@router.get(
    "/checkin/keys",
    response_model=KeysOut,
    summary="Kunci publik yang memverifikasi tiket, untuk pemindai luring (tanpa token)",
)
async def checkin_keys(session: DbSession, runtime: Runtime, response: Response) -> KeysOut:
    keys = await keyring(session, runtime.settings)
    # Scanners fetch this before going offline; a rotation reaches them within the hour.
    response.headers["Cache-Control"] = "public, max-age=3600"
    return KeysOut(
        keys=[
            KeyOut(
                kid=key.kid,
                alg=ALGORITHM,
                public_key=base64.urlsafe_b64encode(key.public_raw).decode().rstrip("="),
                created_at=key.created_at,
                retired_at=key.retired_at,
            )
            for key in keys.keys.values()
        ],
        format=TICKET_FORMAT,
    )


_NO_SESSION: dict[int | str, dict[str, Any]] = {
    404: {"description": "Sesi tidak ada atau bukan sesi wilayah Anda"}
}


@router.post(
    "/checkins",
    response_model=CheckinOut,
    summary="Catat kehadiran dari satu tiket",
    responses=_NO_SESSION,
)
async def check_in(
    body: CheckinIn, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> CheckinOut:
    async with session.begin():
        done = await checkins.check_in_ticket(
            session, runtime.settings, runtime.source, principal, body
        )
    return CheckinOut(
        result=done.result,
        registration_id=done.registration_id,
        session_id=body.session_id,
        scanned_at=done.scanned_at,
        checked_in_at=done.checked_in_at,
    )


@router.post(
    "/checkins/batch",
    response_model=BatchOut,
    response_model_exclude_none=True,
    summary="Catat kehadiran dari pindaian luring (paling awal yang berlaku)",
    responses=_NO_SESSION,
)
async def check_in_batch(
    body: BatchIn, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> BatchOut:
    most = _settings(runtime).checkin_batch_max
    if len(body.scans) > most:
        raise ApiError(
            413,
            "batch_too_large",
            f"Satu kiriman paling banyak {most} pindaian. Bagi pindaiannya lalu kirim lagi.",
        )
    async with session.begin():
        outcomes = await checkins.check_in_batch(
            session, runtime.settings, runtime.source, principal, body
        )
    summary = Counter(o.result or o.code for o in outcomes)
    return BatchOut(
        results=[
            ScanOut(
                index=index,
                result=o.result,
                code=o.code,
                registration_id=o.registration_id,
                checked_in_at=o.checked_in_at,
            )
            for index, o in enumerate(outcomes)
        ],
        summary={"scans": len(outcomes), **{str(k): v for k, v in summary.items()}},
    )


@router.get(
    "/registrations/{registration_id}/ticket.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "Kode QR tiket"}},
    summary="Tiket sebagai kode QR (peserta sendiri dan panitia wilayahnya)",
)
async def ticket_picture(
    registration_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> Response:
    async with session.begin():
        seat = await readable_seat(session, principal, registration_id)
    ticket = ticket_for(await keyring(session, runtime.settings), seat)
    if ticket is None:
        raise RegistrationCancelled
    return Response(
        ticket_svg(ticket, seat["training_title"], seat["session_code"]),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.get(
    "/registrations/{registration_id}/certificate.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "Sertifikat"}},
    summary="Sertifikat kehadiran (bagi yang tercatat hadir)",
)
async def certificate(
    registration_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    request: Request,
) -> Response:
    async with session.begin():
        seat, code, _ = await issue_certificate(session, runtime.source, principal, registration_id)
    verify_url = str(request.url_for("verify_certificate", code=code))
    return Response(
        certificate_pdf(certificate_text(seat, code, verify_url)),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="sertifikat-{code}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get(
    "/certificates/{code}",
    name="verify_certificate",
    response_model=CertificateCheck,
    summary="Periksa keaslian sertifikat dari kodenya (tanpa token)",
)
async def verify_certificate(code: str, session: DbSession) -> CertificateCheck:
    async with session.begin():
        return CertificateCheck.model_validate(await check_certificate(session, code))
