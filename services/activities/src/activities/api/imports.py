"""`/activities/imports`: a paper attendance list of an activity, a training's roster and a
session's paper attendance list, each uploaded for what it goes into; and their jobs."""

from typing import Annotated
from uuid import UUID

from fastapi import Query, UploadFile, status
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.imports.routes import accept_upload, import_router
from kombel_runtime.imports.schemas import ImportAccepted
from kombel_runtime.service import DbSession, Runtime

from activities.imports import attendance, checkins, registrations
from activities.imports.importer import IMPORTER, TARGETS

router = import_router(IMPORTER)


def _upload_route(kind: str, summary: str, description: str) -> None:
    """`POST /imports/<kind>?<target>=…&dry_run=…` with a multipart `file`; 202 with the job."""
    target_name = TARGETS[kind][0]

    @router.post(
        f"/{kind}",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=ImportAccepted,
        summary=summary,
        description=description,
        name=f"upload_{kind}",
        responses={404: {"description": "Tujuannya tidak ada atau di luar wilayah Anda"}},
    )
    async def upload(
        target: Annotated[UUID, Query(alias=target_name)],
        file: UploadFile,
        principal: CurrentPrincipal,
        session: DbSession,
        runtime: Runtime,
        dry_run: Annotated[bool, Query(description="Periksa saja, tanpa menyimpan")] = True,
    ) -> ImportAccepted:
        return await accept_upload(
            IMPORTER,
            session,
            runtime,
            principal,
            file,
            kind=kind,
            dry_run=dry_run,
            target=str(target),
        )


_upload_route(
    attendance.KIND,
    "Unggah daftar hadir (CSV/XLSX) sebuah kegiatan",
    "Kolom: Nama Lengkap (wajib), NUPTK, Email, No. HP/WA. Baris dicocokkan dengan nama "
    "anggota komunitas pada tanggal kegiatan; NUPTK, email dan nomor HP diterima tetapi "
    "tidak dipakai untuk mencocokkan.",
)
_upload_route(
    registrations.KIND,
    "Unggah daftar peserta (CSV/XLSX) sebuah pelatihan",
    "Kolom seperti impor PTK: Nama Lengkap dan NPSN Sekolah (wajib), NUPTK, NIP, Email, "
    "No. HP/WA, Jabatan, Kabupaten/Kota, dan Kode Sesi. Baris masuk ke sesi yang disebut Kode "
    "Sesi, atau ke sesi pelatihan di kabupaten/kotanya (yang ditulis, atau kabupaten/kota "
    "sekolahnya), sesuai urutan berkas: kursi selama masih ada, lalu daftar tunggu. PTK yang "
    "belum dikenal tetap didaftarkan dan membership diminta mendaftarkannya; jika membership "
    "menolak, pendaftarannya dibatalkan dan alasannya ada di errors.csv.",
)
_upload_route(
    checkins.KIND,
    "Unggah daftar hadir (CSV/XLSX) sebuah sesi pelatihan",
    "Kolom: Nama Lengkap (wajib), NUPTK, Email, No. HP/WA, Waktu Hadir. Baris dicocokkan "
    "dengan peserta sesi lewat NUPTK, email atau nomor HP; tanpa itu, lewat nama persis. "
    "Waktu paling awal yang berlaku; tanpa Waktu Hadir, peserta dicatat hadir pada awal sesi.",
)
