"""Identity and contact fields as people type them, checked and normalised.

Errors are `PydanticCustomError`s with a stable type and a message in Bahasa Indonesia, so the
API and the import report them the same way. No message repeats the value it refuses.
"""

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic_core import PydanticCustomError

_DIGITS = re.compile(r"\D")
# Fast paths for the common shapes; anything else goes through the full libraries, which
# say the same for these shapes but cost ten times more per row in a 100,000-row import.
# A mobile number may also come without its 0, as a spreadsheet cell that holds it as a number.
_MOBILE = re.compile(r"(?:\+62|62|0)?(8[1-9]\d{7,10})")
_PHONE_NOISE = re.compile(r"[\s().-]")
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)


def normalise_nuptk(value: str) -> str:
    digits = _DIGITS.sub("", value)
    if len(digits) != 16:
        raise PydanticCustomError("nuptk_format", "NUPTK harus 16 angka")
    return digits


def normalise_nip(value: str) -> str:
    digits = _DIGITS.sub("", value)
    if len(digits) != 18:
        raise PydanticCustomError("nip_format", "NIP harus 18 angka")
    return digits


def normalise_npsn(value: str) -> str:
    text = value.strip()
    if not re.fullmatch(r"[0-9A-Za-z]{8}", text):
        raise PydanticCustomError("npsn_format", "NPSN harus 8 karakter angka/huruf")
    return text.upper()


def normalise_email(value: str) -> str:
    text = value.strip().lower()
    if len(text) <= 254 and _PLAIN_EMAIL.fullmatch(text) and len(text.split("@")[0]) <= 64:
        return text
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise PydanticCustomError("email_format", "alamat email tidak sah") from None
    return checked.normalized.lower()


def normalise_phone(value: str) -> str:
    """E.164 from the ways Indonesians write numbers: 0812…, 62812…, +62 812-…"""
    text = value.strip()
    mobile = _MOBILE.fullmatch(_PHONE_NOISE.sub("", text))
    if mobile:
        return "+62" + mobile.group(1)
    if text.startswith("62") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("phone_format", "nomor HP/WA tidak sah") from None
    if not phonenumbers.is_valid_number(number):
        raise PydanticCustomError("phone_format", "nomor HP/WA tidak sah")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
