"""Indonesian names for the demo province: teachers, schools, communities and their meetings.

Drawn from a seeded `random.Random`, so one seed gives one province. The lists are short on
purpose: a believable mix matters, not coverage. Sumatera Utara gets Batak and Malay family
names beside the Javanese ones most provinces have.
"""

import random

FIRST_NAMES_WOMEN = (
    "Siti", "Dewi", "Rina", "Sri", "Nur", "Yuliana", "Ratna", "Fitri", "Ani", "Lestari",
    "Rosmawati", "Herlina", "Nurhayati", "Evi", "Maria", "Sarah", "Desi", "Wulan", "Intan",
    "Ayu", "Rahmawati", "Kartini", "Susanti", "Yanti", "Novita", "Indah", "Melati", "Lina",
)  # fmt: skip
FIRST_NAMES_MEN = (
    "Budi", "Ahmad", "Agus", "Hendra", "Joko", "Rudi", "Dedi", "Fajar", "Andi", "Irwan",
    "Bambang", "Yusuf", "Rizal", "Hotman", "Daniel", "Samuel", "Iwan", "Eko", "Taufik",
    "Arif", "Hasan", "Ridwan", "Darma", "Johannes", "Benny", "Syahrul", "Muhammad", "Wahyu",
)  # fmt: skip
FAMILY_NAMES = (
    "Santoso", "Lestari", "Wijaya", "Saputra", "Hidayat", "Rahman", "Kurniawan", "Susanto",
    "Pratama", "Setiawan", "Hasibuan", "Nasution", "Lubis", "Harahap", "Siregar", "Ginting",
)  # fmt: skip
BATAK_MARGA = (
    "Sitorus", "Simanjuntak", "Sinaga", "Manik", "Hutapea", "Pardede", "Tambunan", "Tarigan",
    "Sembiring", "Purba", "Saragih", "Situmorang", "Silalahi", "Panjaitan", "Napitupulu",
)  # fmt: skip
DEGREES = (", S.Pd.", ", S.Pd.", ", S.Pd.", ", M.Pd.", ", S.Si.", ", S.Pd.I.", "", "")

SUBJECTS_SMP = ("Matematika", "Bahasa Indonesia", "IPA", "IPS", "Bahasa Inggris", "PJOK")
SUBJECTS_SMA = ("Matematika", "Fisika", "Biologi", "Kimia", "Sejarah", "Bahasa Inggris")

MEETING_TITLES = {
    "refleksi_awal": (
        "Refleksi hasil Rapor Pendidikan",
        "Identifikasi kebutuhan belajar murid",
        "Refleksi awal semester",
        "Membaca data asesmen diagnostik",
    ),
    "perencanaan": (
        "Menyusun modul ajar berdiferensiasi",
        "Perencanaan pembelajaran berbasis proyek",
        "Merancang asesmen formatif",
        "Rencana tindak lanjut literasi dan numerasi",
    ),
    "implementasi": (
        "Praktik mengajar dan observasi kelas",
        "Lesson study pembelajaran berdiferensiasi",
        "Berbagi praktik baik pembelajaran",
        "Uji coba modul ajar di kelas",
    ),
    "evaluasi": (
        "Evaluasi hasil belajar murid",
        "Refleksi hasil observasi kelas",
        "Evaluasi projek penguatan profil pelajar Pancasila",
        "Menilai dampak praktik pada murid",
    ),
}
PLACES = ("Ruang guru", "Aula sekolah", "Perpustakaan sekolah", "Aula gugus", "Ruang kelas")
GOOD_PRACTICE = (
    "Guru memetakan kebutuhan belajar murid dari Rapor Pendidikan dan menyusun kelompok belajar.",
    "Asesmen diagnostik di awal pelajaran membuat guru menyesuaikan tingkat kesulitan soal.",
    "Pojok baca kelas dan jurnal membaca harian menaikkan minat baca murid.",
    "Media konkret buatan guru membantu murid memahami pecahan.",
)


def family_name(rng: random.Random, province_code: str) -> str:
    batak = province_code == "12" and rng.random() < 0.55
    return rng.choice(BATAK_MARGA if batak else FAMILY_NAMES)


def person_name(rng: random.Random, province_code: str) -> str:
    first = rng.choice(FIRST_NAMES_WOMEN if rng.random() < 0.62 else FIRST_NAMES_MEN)
    return f"{first} {family_name(rng, province_code)}{rng.choice(DEGREES)}"


def place_name(kabkota_name: str) -> str:
    """How a school or a community names its place: 'Dairi', 'Medan'."""
    return kabkota_name


def school_name(rng: random.Random, jenjang: str, status: str, number: int, place: str) -> str:
    if jenjang == "PAUD/TK":
        if status == "negeri":
            return f"TK Negeri Pembina {number} {place}"
        kind = rng.choice(("TK Aisyiyah Bustanul Athfal", "TK Kartika", "TK Melati"))
        return f"{kind} {number} {place}"
    label = {"SD": "SD", "SMP": "SMP", "SMA": "SMA", "SMK": "SMK", "SLB": "SLB"}[jenjang]
    if status == "negeri":
        return f"{label} Negeri {number} {place}"
    return (
        f"{label} {rng.choice(('Swasta', 'IT', 'Swasta Katolik', 'Muhammadiyah'))} {number} {place}"
    )


def short_school(name: str) -> str:
    """'SD Negeri 5 Dairi' → 'SDN 5 Dairi', as communities inside a school write it."""
    for long, short in (("SD Negeri", "SDN"), ("SMP Negeri", "SMPN"), ("SMA Negeri", "SMAN")):
        if name.startswith(long):
            return short + name[len(long) :]
    return name
