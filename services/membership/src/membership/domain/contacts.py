"""Identity and contact fields as people type them, checked and normalised.

Errors are `PydanticCustomError`s with a stable type and a message in Bahasa Indonesia, so the
API and the import report them the same way. No message repeats the value it refuses.
"""

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic_core import PydanticCustomError

_DIGITS = re.compile(r"\D")


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
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise PydanticCustomError("email_format", "alamat email tidak sah") from None
    return checked.normalized.lower()


def normalise_phone(value: str) -> str:
    """E.164 from the ways Indonesians write numbers: 0812…, 62812…, +62 812-…"""
    text = value.strip()
    if text.startswith("62") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("phone_format", "nomor HP/WA tidak sah") from None
    if not phonenumbers.is_valid_number(number):
        raise PydanticCustomError("phone_format", "nomor HP/WA tidak sah")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
