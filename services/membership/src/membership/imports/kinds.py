"""Membership's import kinds: their columns, the headers people give them, their templates."""

from dataclasses import replace
from enum import StrEnum

from kombel_runtime.imports import person_columns as person
from kombel_runtime.imports.kinds import Column, KindSpec
from kombel_runtime.person_rows import PersonDraft

from membership.domain.drafts import (
    CommunityDraft,
    KecamatanDraft,
    MembershipDraft,
    SchoolDraft,
)


class ImportKind(StrEnum):
    SCHOOLS = "schools"
    PEOPLE = "people"
    COMMUNITIES = "communities"
    MEMBERSHIPS = "memberships"
    KECAMATAN = "kecamatan"


# Where a school or a community is: a Kemendagri code (12.11) or a name (Kab. Dairi).
KABKOTA = Column(
    "kabkota_code",
    "Kabupaten/Kota",
    ("kabupatenkota", "kabkota", "kabupaten", "kota", "kodekabupatenkota", "kodekabkota"),
    True,
    "Kab. Dairi",
)

SPECS: dict[str, KindSpec] = {
    ImportKind.SCHOOLS: KindSpec(
        ImportKind.SCHOOLS,
        SchoolDraft,
        (
            Column("npsn", "NPSN", ("npsn", "npsnsekolah"), True, "10203040"),
            Column(
                "name",
                "Nama Sekolah",
                ("namasekolah", "nama", "namasatuanpendidikan", "satuanpendidikan"),
                True,
                "SD Negeri 030280 Sidikalang",
            ),
            Column(
                "jenjang",
                "Jenjang",
                ("jenjang", "bentukpendidikan", "jenjangpendidikan"),
                True,
                "SD",
            ),
            Column("status", "Status", ("status", "statussekolah", "negeriswasta"), True, "negeri"),
            KABKOTA,
            Column("kecamatan", "Kecamatan", ("kecamatan", "kec"), False, "Sidikalang"),
            Column("address", "Alamat", ("alamat", "alamatsekolah"), False, "Jl. Pahlawan No. 12"),
        ),
    ),
    ImportKind.PEOPLE: KindSpec(
        ImportKind.PEOPLE,
        PersonDraft,
        (
            person.FULL_NAME,
            person.NUPTK,
            person.NIP,
            person.EMAIL,
            person.PHONE,
            person.POSITION,
            person.SCHOOL_NPSN,
        ),
    ),
    ImportKind.COMMUNITIES: KindSpec(
        ImportKind.COMMUNITIES,
        CommunityDraft,
        (
            Column(
                "name",
                "Nama Komunitas",
                ("namakomunitas", "komunitas", "namakombel", "nama"),
                True,
                "KKG Gugus 3 Sidikalang",
            ),
            Column(
                "kind",
                "Jenis",
                ("jenis", "jeniskomunitas", "cakupan"),
                True,
                "antar sekolah",
            ),
            Column("forum_type", "Forum", ("forum", "jenisforum", "wadah"), True, "KKG"),
            Column("jenjang", "Jenjang", ("jenjang", "jenjangpendidikan"), True, "SD"),
            KABKOTA,
            Column(
                "subject_name",
                "Mata Pelajaran",
                ("matapelajaran", "mapel", "bidangstudi"),
                False,
                "",
            ),
            Column(
                "host_school_npsns",
                "NPSN Sekolah Induk",
                ("npsnsekolahinduk", "sekolahinduk", "npsninduk", "npsn"),
                False,
                "10210001",
            ),
            Column(
                "pmm_url",
                "Tautan PMM",
                ("tautanpmm", "linkpmm", "tautan", "link"),
                False,
                "",
            ),
        ),
    ),
    ImportKind.MEMBERSHIPS: KindSpec(
        ImportKind.MEMBERSHIPS,
        MembershipDraft,
        required_any=(("community_id", "community_name"),),
        columns=(
            Column(
                "community_id",
                "ID Komunitas",
                ("idkomunitas", "komunitasid", "kodekomunitas"),
                False,
                "",
            ),
            Column(
                "community_name",
                "Nama Komunitas",
                ("namakomunitas", "komunitas", "namakombel", "kombel"),
                False,
                "KKG Gugus 3 Sidikalang",
            ),
            replace(KABKOTA, required=False),
            Column("nuptk", "NUPTK", ("nuptk",), False, "1234567890123456"),
            Column("email", "Email", ("email", "alamatemail", "surel"), False, ""),
            Column(
                "phone",
                "No. HP/WA",
                ("nohpwa", "nohp", "nowa", "nomorhp", "nomorwa", "hp", "wa", "whatsapp"),
                False,
                "",
            ),
            Column(
                "role",
                "Peran",
                ("peran", "jabatankomunitas", "perandikomunitas", "role"),
                False,
                "penggerak",
            ),
            Column(
                "since",
                "Tanggal Mulai",
                ("tanggalmulai", "mulai", "sejak", "tanggalbergabung"),
                False,
                "25/05/2026",
            ),
        ),
    ),
    ImportKind.KECAMATAN: KindSpec(
        ImportKind.KECAMATAN,
        KecamatanDraft,
        (
            Column(
                "code",
                "Kode",
                ("kode", "kodekecamatan", "kodewilayah", "kodekemendagri"),
                True,
                "12.11.01",
            ),
            Column(
                "name", "Nama Kecamatan", ("namakecamatan", "nama", "kecamatan"), True, "Sidikalang"
            ),
        ),
    ),
}
