"""Rebuild a projection from its topics while the old tables serve, or check it against a
recomputation (`kombel replay` and `kombel check`).

A rebuild replays the topics from the beginning into fresh tables shaped like the live ones,
swaps every table of the projection in one transaction under lock (a reader sees all old or
all new tables, never a mix), then replays from where the first pass ended: what the live
consumer wrote into the old tables meanwhile is in the topics too, and the handlers'
idempotence makes the second pass harmless. The swapped-in indexes take back the live
indexes' names, so later migrations still find them.

A check recomputes into shadow tables, compares each table with its live twin row by row on
the primary key, leaving out the columns that say which event last wrote a row (`version`),
and drops the shadows. The live consumer keeps running during a check, so a difference may
only be an event that one side has applied and the other not yet: a difference counts once
it outlasts a few rounds of catching the shadows up with the topics and waiting for the
consumer. Columns are compared with SQL's `EXCEPT`, which needs an equality for their types
(every type but `json`, `xml` and `point`).
"""

import asyncio
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kombel_runtime.projections import Projection, TableNames
from kombel_runtime.replicas import replay

log = logging.getLogger(__name__)

# Columns left out of a check: they name the event that last wrote a row, and a
# recomputation may reach a row's state through another event than the live consumer did.
VERSION_COLUMNS = re.compile(r"^(version|.*_version)$")
# Rounds in which a check catches up with the topics before it reports what still differs.
SETTLE_ROUNDS = 3
SETTLE_PAUSE_S = 1.0
# At most this many rows of a table are reported on each side: past that, rebuild.
REPORTED_ROWS = 1000


class Kind(StrEnum):
    MISSING = "missing"  # recomputed from the events, absent from the live table
    EXTRA = "extra"  # in the live table, not recomputed from the events
    DIFFERENT = "different"  # in both, with other values


@dataclass(frozen=True)
class Difference:
    table: str
    kind: Kind
    key: Mapping[str, Any]
    live: Mapping[str, Any] | None
    expected: Mapping[str, Any] | None

    def __str__(self) -> str:
        key = ", ".join(f"{name}={value}" for name, value in self.key.items())
        if self.kind is Kind.DIFFERENT and self.live is not None and self.expected is not None:
            changed = [
                f"{name}: {self.live[name]!r} (from events: {self.expected[name]!r})"
                for name in self.live
                if self.live[name] != self.expected[name]
            ]
            return f"{self.table} [{key}] different: " + "; ".join(changed)
        return f"{self.table} [{key}] {self.kind.value}"


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe table name {name!r}")
    return name


async def _fresh_tables(
    sessions: async_sessionmaker[AsyncSession], projection: Projection, suffix: str
) -> dict[str, str]:
    """Empty tables shaped like the projection's live ones; {live name: fresh name}."""
    names = {_identifier(t): f"{t}_{suffix}" for t in projection.tables}
    async with sessions() as session, session.begin():
        for table, fresh in names.items():
            await session.execute(text(f"DROP TABLE IF EXISTS {fresh}"))
            await session.execute(text(f"CREATE TABLE {fresh} (LIKE {table} INCLUDING ALL)"))
    return names


async def _drop(sessions: async_sessionmaker[AsyncSession], tables: TableNames) -> None:
    async with sessions() as session, session.begin():
        for fresh in tables.values():
            await session.execute(text(f"DROP TABLE IF EXISTS {fresh}"))


_INDEX_DEFINITION = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON \S+ (.*)$")


async def _index_names(session: AsyncSession, table: str) -> dict[str, str]:
    """The table's indexes by their definition without name and table; {definition: name}."""
    rows = await session.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = :table ORDER BY indexname"
        ),
        {"table": table},
    )
    found = {}
    for name, definition in rows.all():
        matched = _INDEX_DEFINITION.match(definition)
        if matched:
            found[f"{matched.group(1) or ''}{matched.group(2)}"] = name
    return found


async def _swap(session: AsyncSession, tables: TableNames) -> None:
    """Put the fresh tables in the live ones' places, with the live indexes' names."""
    live = sorted(tables)
    await session.execute(text(f"LOCK TABLE {', '.join(live)} IN ACCESS EXCLUSIVE MODE"))
    for table in live:
        fresh, retired = tables[table], f"{table}_retired"
        before = await _index_names(session, table)
        after = await _index_names(session, fresh)
        await session.execute(text(f"ALTER TABLE {table} RENAME TO {retired}"))
        await session.execute(text(f"ALTER TABLE {fresh} RENAME TO {table}"))
        await session.execute(text(f"DROP TABLE {retired}"))
        for definition, name in after.items():
            wanted = before.get(definition)
            if wanted and wanted != name:
                await session.execute(
                    text(f"ALTER INDEX {_identifier(name)} RENAME TO {_identifier(wanted)}")
                )


async def rebuild(
    bootstrap: str, sessions: async_sessionmaker[AsyncSession], projection: Projection
) -> int:
    """Rebuild the projection's tables from its topics while the old ones serve; the number
    of events applied."""
    fresh = await _fresh_tables(sessions, projection, "rebuild")
    try:
        reached, applied = await replay(bootstrap, sessions, projection.subscriptions(fresh))
        async with sessions() as session, session.begin():
            await _swap(session, fresh)
    except BaseException:
        await _drop(sessions, fresh)
        raise
    _, caught_up = await replay(bootstrap, sessions, projection.live(), reached)
    log.info(
        "projection rebuilt",
        extra={"projection": projection.name, "events": applied, "caught_up": caught_up},
    )
    return applied + caught_up


async def compare(
    bootstrap: str, sessions: async_sessionmaker[AsyncSession], projection: Projection
) -> list[Difference]:
    """What the live tables hold that a recomputation from the topics does not, and the
    reverse; nothing when the read model is sound."""
    shadow = await _fresh_tables(sessions, projection, "check")
    try:
        subscriptions = projection.subscriptions(shadow)
        reached, _ = await replay(bootstrap, sessions, subscriptions)
        for round_ in range(1, SETTLE_ROUNDS + 1):
            async with sessions() as session:
                found = [d for t in projection.tables for d in await _table(session, t, shadow[t])]
            if not found or round_ == SETTLE_ROUNDS:
                return found
            await asyncio.sleep(SETTLE_PAUSE_S)
            reached, _ = await replay(bootstrap, sessions, subscriptions, reached)
        return []
    finally:
        await _drop(sessions, shadow)


async def _columns(session: AsyncSession, table: str) -> tuple[list[str], list[str]]:
    """The table's compared columns and its primary key's."""
    names = (
        await session.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = :table "
                "ORDER BY ordinal_position"
            ),
            {"table": table},
        )
    ).scalars()
    key = (
        await session.execute(
            text(
                "SELECT a.attname FROM pg_index i "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = CAST(:table AS regclass) AND i.indisprimary "
                "ORDER BY array_position(i.indkey::int2[], a.attnum)"
            ),
            {"table": table},
        )
    ).scalars()
    return [n for n in names if not VERSION_COLUMNS.match(n)], list(key)


async def _table(session: AsyncSession, live: str, shadow: str) -> list[Difference]:
    columns, key = await _columns(session, live)
    # Without a primary key a row is its own key: it is missing or extra, never different.
    key = key or columns
    listed = ", ".join(f'"{name}"' for name in columns)

    async def only_in(one: str, other: str) -> dict[tuple[Any, ...], dict[str, Any]]:
        rows = await session.execute(
            text(
                f"SELECT {listed} FROM {one} EXCEPT ALL SELECT {listed} FROM {other} "  # noqa: S608
                f"LIMIT {REPORTED_ROWS}"
            )
        )
        return {tuple(r[k] for k in key): dict(r) for r in rows.mappings()}

    extra, expected = await only_in(live, shadow), await only_in(shadow, live)
    found = []
    for at in sorted(extra.keys() | expected.keys(), key=str):
        kind = Kind.DIFFERENT if at in extra and at in expected else None
        kind = kind or (Kind.EXTRA if at in extra else Kind.MISSING)
        found.append(
            Difference(live, kind, dict(zip(key, at, strict=True)), extra.get(at), expected.get(at))
        )
    return found
