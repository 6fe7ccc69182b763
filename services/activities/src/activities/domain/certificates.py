"""A certificate of attendance: its public code, what the public check shows of the name, and
the PDF itself, in Indonesian and in the session's local time; pure functions, no I/O.

The PDF uses fpdf2's core fonts, which hold Latin-1 only: a name with other letters is
written with their nearest Latin-1 form ("Nguyễn" as "Nguyen", "Łukasz" as "Lukasz"), never
refused and never with a blank where a letter was.
"""

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import segno
from fpdf import FPDF
from kombel_events.regions import TimeZone
from kombel_runtime.local_time import DAYS as DAY_NAMES
from kombel_runtime.local_time import MONTHS as MONTH_NAMES
from kombel_runtime.local_time import Language

# Crockford's base32: digits and letters without I, L, O and U, which people misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
# What a person may have typed for a letter that is not in the code's alphabet.
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})

DAYS = DAY_NAMES[Language.INDONESIAN]
MONTHS = MONTH_NAMES[Language.INDONESIAN]
# Letters NFKD does not take apart, and marks people type in names.
_LATIN1_NEAREST = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ħ": "H",
        "ħ": "h",
        "ı": "i",
        "Œ": "OE",
        "œ": "oe",
        "ƒ": "f",
        "‘": "'",
        "’": "'",
        "ʼ": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "…": "...",
    }
)


def new_code() -> str:
    """A code like `K7Q2-M4XH-9TRA`: 60 random bits, easy to read aloud and type."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def normalised_code(typed: str) -> str | None:
    """The stored form of a code as a person typed it (any case, dashes or spaces or none,
    O for 0 and I or L for 1); None if it cannot be a code."""
    plain = "".join(c for c in typed.upper() if c.isalnum()).translate(_MISREAD)
    if len(plain) != CODE_GROUPS * CODE_GROUP_LENGTH or set(plain) - set(CODE_ALPHABET):
        return None
    return "-".join(
        plain[i : i + CODE_GROUP_LENGTH] for i in range(0, len(plain), CODE_GROUP_LENGTH)
    )


def masked_name(full_name: str) -> str:
    """Enough of a name to match it to the person before you, too little to learn it:
    "Rina Sitorus" → "Ri** Si*****"."""
    words = []
    for word in full_name.split():
        shown = 2 if len(word) > 2 else 1
        words.append(word[:shown] + "*" * (len(word) - shown))
    return " ".join(words)


def local_time(instant: datetime, timezone: str) -> datetime:
    return instant.astimezone(ZoneInfo(TimeZone(timezone).iana))


def indonesian_date(instant: datetime, timezone: str) -> str:
    """ "Senin, 25 Mei 2026", the date in the place's zone."""
    local = local_time(instant, timezone)
    return f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year}"


def indonesian_time(instant: datetime, timezone: str) -> str:
    """ "08.00 WIB", as Indonesian writes the hour."""
    local = local_time(instant, timezone)
    return f"{local:%H.%M} {timezone}"


def latin1(text: str) -> str:
    """The text as the PDF's core fonts can write it."""
    kept = []
    for char in text.translate(_LATIN1_NEAREST):
        if ord(char) < 256:
            kept.append(char)
            continue
        base = "".join(
            c
            for c in unicodedata.normalize("NFKD", char)
            if ord(c) < 256 and not unicodedata.combining(c)
        )
        kept.append(base or "?")
    return "".join(kept)


@dataclass(frozen=True)
class CertificateText:
    code: str
    name: str
    training: str
    organiser: str
    starts_at: datetime
    timezone: str
    venue: str
    region: str
    verify_url: str


_PAGE_WIDTH = 297.0
_MARGIN = 18.0


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares, one rectangle per dark run of a row."""
    matrix = [list(row) for row in segno.make(url, error="m").matrix]
    quiet = 2
    module = size / (len(matrix) + 2 * quiet)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(
                x + (start + quiet) * module,
                y + (r + quiet) * module,
                (c - start) * module,
                module,
                style="F",
            )


def _centred(pdf: FPDF, text: str, size: float, style: str = "", gap: float = 0) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, size * 0.45, latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")
    if gap:
        pdf.ln(gap)


def certificate_pdf(certificate: CertificateText) -> bytes:
    """An A4 landscape certificate of attendance."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(latin1(f"Sertifikat {certificate.code}"))
    pdf.set_author(latin1(certificate.organiser))
    pdf.set_auto_page_break(False)
    pdf.set_margins(_MARGIN + 10, _MARGIN + 8, _MARGIN + 10)
    pdf.add_page()
    pdf.set_draw_color(30, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(_MARGIN / 2, _MARGIN / 2, _PAGE_WIDTH - _MARGIN, 210 - _MARGIN)
    pdf.set_line_width(0.3)
    pdf.rect(_MARGIN / 2 + 3, _MARGIN / 2 + 3, _PAGE_WIDTH - _MARGIN - 6, 210 - _MARGIN - 6)

    pdf.set_y(_MARGIN + 8)
    _centred(pdf, certificate.organiser.upper(), 13, "B", 6)
    _centred(pdf, "SERTIFIKAT", 36, "B", 2)
    _centred(pdf, f"Nomor {certificate.code}", 11, "", 8)
    _centred(pdf, "diberikan kepada", 13, "I", 3)
    _centred(pdf, certificate.name, 26, "B", 5)
    _centred(pdf, "atas kehadirannya sebagai peserta", 13, "", 2)
    _centred(pdf, certificate.training, 17, "B", 4)
    when = (
        f"{indonesian_date(certificate.starts_at, certificate.timezone)}, pukul "
        f"{indonesian_time(certificate.starts_at, certificate.timezone)}"
    )
    _centred(pdf, f"diselenggarakan oleh {certificate.organiser}", 12, "", 1)
    _centred(pdf, f"pada {when}", 12, "", 1)
    _centred(pdf, f"di {certificate.venue}, {certificate.region}", 12)

    size = 34.0
    bottom = 210 - _MARGIN - 6 - size
    _qr(pdf, certificate.verify_url, _MARGIN + 4, bottom, size)
    pdf.set_xy(_MARGIN + 6 + size, bottom + 10)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        150,
        4.5,
        latin1(
            f"Kode verifikasi: {certificate.code}\n"
            f"Periksa keaslian sertifikat ini di {certificate.verify_url}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
