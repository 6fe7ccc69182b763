"""An import job's state while it runs, and the pieces every import kind shares."""

import json
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from kombel_events import IntegrationEvent
from sqlalchemy import Executable

from kombel_runtime.auth import Principal


class ImportFailed(Exception):
    """The whole file is refused; the message is for people."""


class ImportInterrupted(Exception):
    """The service is stopping; the job goes back to the queue where it stands."""


@dataclass
class Counters:
    rows_done: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0

    @classmethod
    def of(cls, row: Any) -> "Counters":
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    def add(self, other: "Counters") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_row(self) -> dict[str, int]:
        return {
            "rows_done": self.rows_done,
            "created": self.created,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    # For rows that matched a stored record: "duplicate" or "update", and what matched.
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


@dataclass
class Chunk:
    """One chunk's decisions, written later in one transaction (or not at all in a dry run)."""

    rows: list[Row]
    counters: Counters = field(default_factory=Counters)
    copies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    statements: list[Executable] = field(default_factory=list)
    events: list[IntegrationEvent] = field(default_factory=list)

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
