"""Array parameters for `= ANY(…)`: one bound value however many items a batch names (an `IN`
list binds one value per item, and a driver takes at most 32,767)."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import BindParameter, ColumnElement, Text, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID


def texts(values: Iterable[str]) -> BindParameter[Any]:
    return bindparam(None, list(values), type_=ARRAY(Text))


def uuids(values: Iterable[Any]) -> BindParameter[Any]:
    return bindparam(None, [UUID(str(v)) for v in values], type_=ARRAY(PG_UUID(as_uuid=True)))


def one_of(column: ColumnElement[Any], ids: Iterable[Any]) -> ColumnElement[bool]:
    """`column = ANY(ids)`."""
    return column == any_(uuids(ids))
