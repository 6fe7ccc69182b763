"""PATCH bodies: a field left out stays as it is, `null` empties a field only where the record
may be without it.

Change models declare every field optional, so that a client sends only what changes; without
this check a `null` for a field the record needs (a name) reached the database and failed there.
"""

from typing import Any

from pydantic import field_validator
from pydantic_core import PydanticCustomError


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError(
            "null_not_allowed",
            "tidak boleh kosong (null); hapus kolom ini dari permintaan bila tidak diubah",
        )
    return value


def not_null(*fields: str) -> Any:
    """A validator for a change model's class body: these fields, when sent, are not `null`.

    `_required = not_null("name", "jenjang")`
    """
    return field_validator(*fields, mode="before")(_refuse_null)
