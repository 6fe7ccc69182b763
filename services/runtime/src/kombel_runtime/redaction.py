"""Keeping personal data (phone, email, NUPTK, NIP) out of logs, traces and error texts."""

import re

from pydantic import ValidationError

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Phone numbers as people write them (0812…, 62812…, +62 812-…) and long digit runs such as
# NUPTK (16 digits) and NIP (18 digits).
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d\s-]{8,}\d(?![\w.])")


def redact(text: str) -> str:
    """The text with anything shaped like an email, phone number or personal id masked."""
    return _PHONE.sub("[disamarkan]", _EMAIL.sub("[disamarkan]", text))


def describe_error(error: BaseException, limit: int = 500) -> str:
    """A description of an error that is safe to store or show: no input values, no contacts."""
    if isinstance(error, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in detail['loc']) or '(root)'}: {detail['type']}"
            for detail in error.errors(include_input=False, include_url=False)
        ]
        text = f"{error.title}: " + "; ".join(parts)
    else:
        text = f"{type(error).__name__}: {error}"
    return redact(text)[:limit]
