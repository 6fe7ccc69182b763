"""The tables a projection's statements write: the live ones, or a rebuild's fresh set.

Table names go into SQL text (values are always bound), so each is checked to be a plain
identifier first.
"""

import re

from kombel_runtime.projections import TableNames

_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


def table_of(tables: TableNames, live: str) -> str:
    """The table that stands for `live` in this run of the handlers."""
    name = tables.get(live, live)
    if not _PLAIN.match(name):
        raise ValueError(f"unsafe table name {name!r}")
    return name


def tables_of(tables: TableNames, *live: str) -> dict[str, str]:
    """`{live: actual}` for a statement's `str.format`."""
    return {name: table_of(tables, name) for name in live}
