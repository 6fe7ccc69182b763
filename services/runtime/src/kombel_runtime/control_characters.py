"""Control characters: C0 controls and DEL, which have no business in data people read, and
NUL, which PostgreSQL refuses in text."""

import re

_CONTROL = re.compile("[\x00-\x1f\x7f]")
_CONTROL_IN_LONG_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str, *, long_text: bool = False) -> bool:
    """Whether `text` holds a C0 control character or DEL; `long_text` allows tab, LF, CR."""
    return (_CONTROL_IN_LONG_TEXT if long_text else _CONTROL).search(text) is not None
