"""A spreadsheet cell as the text an import reads.

Numbers that spreadsheets turned into floats (NPSN 10203040.0) come back as the digits people
typed, dates as 2026-05-25. Control characters are dropped, tab and line breaks aside: nobody
types them, they arrive from copied PDFs or as XLSX escapes such as `_x0000_`, PostgreSQL
refuses NUL in text and JSON, and the others would only hide in a name. Dropping them keeps
the row, where refusing it would leave a person hunting for a character no program shows.
"""

import re
from datetime import date, datetime

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: object) -> str:
    """A value as calamine reads it from a cell, as text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def without_control_characters(text: str) -> str:
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text
