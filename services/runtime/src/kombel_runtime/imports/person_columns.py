"""The columns of a person as spreadsheets of people name them, for every kind that reads
people: membership's people import, a training roster, a paper attendance list of a session.

Declared once, so a header people use in one file ("No. HP/WA", "NPSN Sekolah", "Kab/Kota")
is read in every other.
"""

from kombel_runtime.imports.kinds import Column

FULL_NAME = Column(
    "full_name",
    "Nama Lengkap",
    ("namalengkap", "nama", "namaptk", "namaguru", "namalengkapgelar", "namapeserta"),
    True,
    "Rina Sitorus, S.Pd.",
)
NUPTK = Column("nuptk", "NUPTK", ("nuptk",), False, "1234567890123456")
NIP = Column("nip", "NIP", ("nip", "nipnrk"), False, "")
EMAIL = Column(
    "email",
    "Email",
    ("email", "alamatemail", "surel", "emailaktif", "surelemail"),
    False,
    "rina.sitorus@example.sch.id",
)
PHONE = Column(
    "phone",
    "No. HP/WA",
    (
        "nohpwa",
        "nohp",
        "nowa",
        "nomorhp",
        "nomorwa",
        "nomorhpwa",
        "hp",
        "wa",
        "whatsapp",
        "nowhatsapp",
        "telepon",
        "notelp",
        "notelepon",
        "hpwa",
    ),
    False,
    "0812-3456-7890",
)
POSITION = Column("position", "Jabatan", ("jabatan", "posisi", "jenisptk", "peran"), False, "guru")
SCHOOL_NPSN = Column(
    "school_npsn",
    "NPSN Sekolah",
    ("npsnsekolah", "npsn", "npsnsatuanpendidikan", "npsnsatdik"),
    True,
    "10203040",
)
# Where a school, a community or a participant is: a Kemendagri code (12.11) or a name
# (Kab. Dairi, KABUPATEN DAIRI, Dairi).
KABKOTA = Column(
    "kabkota_code",
    "Kabupaten/Kota",
    ("kabupatenkota", "kabkota", "kabupaten", "kota", "kodekabupatenkota", "kodekabkota"),
    True,
    "Kab. Dairi",
)

# A person as membership's people import reads them.
PERSON = (FULL_NAME, NUPTK, NIP, EMAIL, PHONE, POSITION, SCHOOL_NPSN)
