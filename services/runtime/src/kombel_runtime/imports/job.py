"""An import job's state while it runs, and the pieces every import kind shares."""

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from kombel_events import IntegrationEvent
from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncSession

from kombel_runtime.auth import Principal


class ImportFailed(Exception):
    """The whole file is refused; the message is for people."""


class ImportInterrupted(Exception):
    """The service is stopping; the job goes back to the queue where it stands."""


SHARED_COUNTERS = ("rows_done", "created", "updated", "duplicates", "rejected")


@dataclass
class Counters:
    rows_done: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    # The service's own counters (`ImportTables.counters`), by name.
    extra: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Any, extra: Iterable[str] = ()) -> "Counters":
        return cls(
            **{name: row[name] for name in SHARED_COUNTERS},
            extra={name: row[name] for name in extra},
        )

    def add(self, other: "Counters") -> None:
        for name in SHARED_COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name, value in other.extra.items():
            self.extra[name] = self.extra.get(name, 0) + value

    def count(self, name: str, value: int = 1) -> None:
        """Add to one of the service's own counters."""
        self.extra[name] = self.extra.get(name, 0) + value

    def as_row(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in SHARED_COUNTERS} | self.extra


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    # For rows that matched a stored record: "duplicate" or "update", and what matched; a kind
    # may keep other rows under its own outcome (errors.csv and matches.csv show neither).
    outcome: str | None = None
    note: str | None = None


@dataclass
class Job:
    id: UUID
    kind: str
    dry_run: bool
    principal: Principal
    max_rows: int
    target: str | None = None  # what the file goes into, when the kind needs it said
    # identity field -> value -> the first row that had it; a dict per field, because at
    # 100,000 rows tuple keys alone would cost some 20 MB more.
    seen: dict[str, dict[str, int]] = field(default_factory=dict)
    counters: Counters = field(default_factory=Counters)  # as committed
    # What earlier chunks decided, which the database may not show yet: chunk N+1 is decided
    # while chunk N is still being written.
    decided: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def claim(self, chunk: "Chunk", row: Row, keys: list[tuple[str, str]]) -> bool:
        """Whether the row is the first of the file to name its record; a later one repeats
        what an earlier row said (a list pasted twice), so it is a duplicate, not an error."""
        for name, value in keys:
            first = self.seen.get(name, {}).get(value)
            if first is not None:
                chunk.duplicate(row, f"sama dengan baris {first} di berkas ini")
                return False
        for name, value in keys:
            self.seen.setdefault(name, {})[value] = row.number
        return True


# A write that must be decided again where it is made: in the chunk's transaction, after its
# copies and statements (seats taken in arrival order under their session's lock). It may add
# events, note rows and correct the counters by what it found.
Step = Callable[[AsyncSession, "Chunk"], Awaitable[None]]


@dataclass
class Chunk:
    """One chunk's decisions, written later in one transaction (or not at all in a dry run)."""

    rows: list[Row]
    counters: Counters = field(default_factory=Counters)
    copies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    statements: list[Executable] = field(default_factory=list)
    events: list[IntegrationEvent] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def create(self, table: str, record: dict[str, Any], event: IntegrationEvent | None) -> None:
        self.counters.created += 1
        self.copies.setdefault(table, []).append(record)
        if event is not None:
            self.events.append(event)

    def audit(self, job: "Job", action: str, subject: str, **detail: Any) -> None:
        """An audit entry for a record the import changes, as a request leaves one (the
        person's export shows it), written with the chunk."""
        self.copies.setdefault("audit_log", []).append(
            {
                "actor": job.principal.subject,
                "action": action,
                "subject": subject,
                "detail": json.dumps(detail | {"import": str(job.id)}),
            }
        )

    def duplicate(self, row: Row, note: str) -> None:
        """The row says what is already stored."""
        self.counters.duplicates += 1
        row.outcome, row.note = "duplicate", note

    def update(
        self, row: Row, note: str, event: IntegrationEvent | None, *statements: Executable
    ) -> None:
        """The row changes a stored record."""
        self.counters.updated += 1
        row.outcome, row.note = "update", note
        self.statements.extend(statements)
        if event is not None:
            self.events.append(event)
