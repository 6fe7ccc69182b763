"""Array parameters for `= ANY(…)`: one bound value whatever the number of items."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import BindParameter, Text, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID


def texts(values: Iterable[str]) -> BindParameter[Any]:
    return bindparam(None, list(values), type_=ARRAY(Text))


def uuids(values: Iterable[Any]) -> BindParameter[Any]:
    return bindparam(None, [UUID(str(v)) for v in values], type_=ARRAY(PG_UUID(as_uuid=True)))
