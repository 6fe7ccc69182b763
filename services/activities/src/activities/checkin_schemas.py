"""Request and response bodies of check-in, tickets' keys and certificates."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

TicketText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
DeviceId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
# A hard stop for what is even parsed; the service's `checkin_batch_max` is the real limit.
BATCH_PARSE_MAX = 50_000


class CheckinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket: TicketText = Field(description="Isi kode QR tiket")
    session_id: UUID = Field(description="Sesi tempat pemindai bertugas")
    scanned_at: datetime | None = Field(
        default=None,
        description="Waktu pindai; bawaan: sekarang. Tanpa zona berarti waktu setempat sesi.",
    )
    device_id: DeviceId | None = None


class CheckinOut(BaseModel):
    result: str = Field(description="`ok`, atau `already_checked_in` bila sudah tercatat hadir")
    registration_id: UUID
    session_id: UUID
    scanned_at: datetime = Field(description="Waktu pindai ini (UTC)")
    checked_in_at: datetime = Field(
        description="Waktu hadir yang berlaku (UTC): pindaian paling awal, juga yang pertama"
    )


class ScanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket: TicketText
    scanned_at: datetime = Field(description="Waktu pindai di perangkat; tanpa zona: waktu sesi")


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_id: UUID
    device_id: DeviceId | None = None
    scans: list[ScanIn] = Field(min_length=1, max_length=BATCH_PARSE_MAX)


class ScanOut(BaseModel):
    index: int = Field(description="Urutan pindaian dalam kiriman, mulai 0")
    result: str | None = Field(default=None, description="`ok` atau `already_checked_in`")
    code: str | None = Field(default=None, description="Kode penolakan, bila ditolak")
    registration_id: UUID | None = None
    checked_in_at: datetime | None = None


class BatchOut(BaseModel):
    results: list[ScanOut]
    summary: dict[str, int] = Field(
        description="Banyaknya pindaian per hasil atau kode penolakan, dan `scans` seluruhnya"
    )


class KeyOut(BaseModel):
    kid: str
    alg: str
    public_key: str = Field(description="Kunci publik Ed25519, 32 byte mentah, base64url")
    created_at: datetime | None
    retired_at: datetime | None = None


class KeysOut(BaseModel):
    keys: list[KeyOut]
    format: dict[str, Any] = Field(description="Susunan tiket, untuk memverifikasi luring")


class CertificateCheck(BaseModel):
    code: str
    genuine: bool
    revoked: bool = Field(
        default=False, description="Dicabut: pendaftarannya dibatalkan setelah sertifikat terbit"
    )
    name: str | None = Field(description="Nama penerima, disamarkan sebagian")
    training: str
    organiser: str
    session_date: str = Field(description="Tanggal sesi, waktu setempat (YYYY-MM-DD)")
    session_date_text: str = Field(description="Mis. Senin, 25 Mei 2026")
    place: str
    timezone: str
    issued_at: datetime
