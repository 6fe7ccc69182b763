"""Keeping personal data (phone, email, NUPTK, NIP) out of logs, traces and error texts."""

import re
from urllib.parse import parse_qsl

from pydantic import ValidationError

MASK = "[disamarkan]"
# Also as they appear in URLs: @ as %40, + as %2B.
_EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(\.[\w-]+)+")
# Phone numbers as people write them (0812…, 62812…, +62 812-…) and long digit runs such as
# NUPTK (16 digits) and NIP (18 digits).
_PHONE = re.compile(r"(?<![\w.])(?:\+|%2B)?\d[\d\s-]{8,}\d(?![\w.])")
# Query parameters of free text: a search may be for a name, an email or a NUPTK.
FREE_TEXT_PARAMETERS = frozenset({"q"})


def redact(text: str) -> str:
    """The text with anything shaped like an email, phone number or personal id masked."""
    return _PHONE.sub(MASK, _EMAIL.sub(MASK, text))


def redact_url(url: str) -> str:
    """A URL or path fit for logs and traces: free-text parameters masked whole, the other
    values decoded and masked like any text."""
    path, separator, query = url.partition("?")
    if not separator:
        return redact(path)
    return f"{redact(path)}?{redact_query(query)}"


def redact_query(query: str) -> str:
    """A query string (without `?`) masked as `redact_url` masks it."""
    return "&".join(
        f"{name}={MASK if name in FREE_TEXT_PARAMETERS else redact(value)}"
        for name, value in parse_qsl(query, keep_blank_values=True)
    )


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
