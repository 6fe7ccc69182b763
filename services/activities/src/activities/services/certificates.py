"""Certificates of attendance: issued to a checked-in participant on first request, once, and
verifiable by anyone from their code.

Two first requests at once make one certificate: the second waits on the unique registration
of the first's row, then finds it. The event is recorded by the request whose row went in.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from kombel_events import IntegrationEvent
from kombel_events.regions import regions
from kombel_events.trainings import CertificateIssued
from kombel_runtime.auth import Principal
from kombel_runtime.errors import Conflict, Gone, NotFound
from kombel_runtime.outbox import record_events
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import certificates, registrations
from activities.domain.certificates import (
    CertificateText,
    indonesian_date,
    local_time,
    masked_name,
    new_code,
    normalised_code,
)
from activities.services.checkins import SEAT, SEAT_DETAILS, readable_seat
from activities.services.seats import CANCELLED, REGISTERED
from activities.services.seats import participant_event as participant


class CertificateNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(
            "certificate_not_found",
            "Tidak ada sertifikat dengan kode ini: sertifikat itu tidak asli. Periksa kembali "
            "kodenya (12 huruf dan angka).",
        )


def region_name(kabkota_code: str) -> str:
    region = regions().get(kabkota_code)
    return region.display_name if region else kabkota_code


async def _issued(session: AsyncSession, registration_id: UUID) -> tuple[str, datetime] | None:
    row = (
        await session.execute(
            select(certificates.c.code, certificates.c.issued_at).where(
                certificates.c.registration_id == registration_id
            )
        )
    ).one_or_none()
    return (row.code, row.issued_at) if row else None


async def issue_certificate(
    session: AsyncSession, source: str, principal: Principal, registration_id: UUID
) -> tuple[dict[str, Any], str, datetime]:
    """The registration, its certificate's code and issue time; issued now if it has none."""
    seat = await readable_seat(session, principal, registration_id)
    if seat["status"] != REGISTERED or seat["checked_in_at"] is None:
        raise Conflict(
            "not_attended",
            "Sertifikat hanya untuk peserta yang tercatat hadir di sesinya.",
        )
    if seat["person_id"] is None:
        raise Conflict(
            "person_pending",
            "Data peserta ini masih dibuat oleh layanan keanggotaan. Coba lagi sebentar lagi.",
        )
    if seat["full_name"] is None:
        raise Gone("person_erased", "Data pribadi peserta ini telah dihapus atas permintaannya.")
    found = await _issued(session, registration_id)
    while found is None:
        inserted = (
            await session.execute(
                insert(certificates)
                .values(code=new_code(), registration_id=registration_id)
                .on_conflict_do_nothing()
                .returning(certificates.c.code, certificates.c.issued_at)
            )
        ).one_or_none()
        if inserted is None:  # another request issued it, or (rarely) the code was taken
            found = await _issued(session, registration_id)
            continue
        found = (inserted.code, inserted.issued_at)
        events: list[IntegrationEvent] = [
            participant(
                CertificateIssued,
                seat,
                certificate_code=inserted.code,
                issued_at=inserted.issued_at,
            )
        ]
        await record_events(session, source, events)
    return seat, found[0], found[1]


def certificate_text(seat: dict[str, Any], code: str, verify_url: str) -> CertificateText:
    return CertificateText(
        code=code,
        name=seat["full_name"],
        training=seat["training_title"],
        organiser=seat["organiser"],
        starts_at=seat["starts_at"],
        timezone=seat["timezone"],
        venue=seat["venue"],
        region=region_name(seat["session_kabkota"]),
        verify_url=verify_url,
    )


async def check_certificate(session: AsyncSession, typed_code: str) -> dict[str, Any]:
    """What the public may see of a certificate: that it is genuine, and of what."""
    code = normalised_code(typed_code)
    if code is None:
        raise CertificateNotFound
    row = (
        (
            await session.execute(
                select(
                    certificates.c.code,
                    certificates.c.issued_at,
                    registrations.c.status,
                    *SEAT_DETAILS,
                )
                .select_from(
                    certificates.join(SEAT, registrations.c.id == certificates.c.registration_id)
                )
                .where(certificates.c.code == code)
            )
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise CertificateNotFound
    # A seat cancelled after its certificate was issued (a mistaken registration, a
    # check-in undone) leaves the code known, but no longer genuine.
    revoked = row["status"] == CANCELLED
    return {
        "code": row["code"],
        "genuine": not revoked,
        "revoked": revoked,
        "name": masked_name(row["full_name"]) if row["full_name"] else None,
        "training": row["training_title"],
        "organiser": row["organiser"],
        "session_date": local_time(row["starts_at"], row["timezone"]).date().isoformat(),
        "session_date_text": indonesian_date(row["starts_at"], row["timezone"]),
        "place": f"{row['venue']}, {region_name(row['session_kabkota'])}",
        "timezone": row["timezone"],
        "issued_at": row["issued_at"],
    }
