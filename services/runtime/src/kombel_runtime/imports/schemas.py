"""Answers of a service's `/imports` routes."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from kombel_runtime.imports.job import Counters
from kombel_runtime.imports.progress import progress_document


class ImportAccepted(BaseModel):
    id: UUID
    status: str
    progress: str
    events: str


class ImportStatus(BaseModel):
    id: UUID
    kind: str
    dry_run: bool
    status: str
    filename: str
    rows_total: int | None
    rows_done: int
    created: int
    updated: int
    duplicates: int
    rejected: int
    percent: float
    rows_per_second: float | None
    error: str | None
    errors_csv: str | None
    matches_csv: str | None

    @classmethod
    def of(
        cls,
        row: Mapping[str, Any],
        base_path: str,
        details: Mapping[str, Any] | None = None,
    ) -> "ImportStatus":
        """The status of a job's row (without its upload); links start at `base_path`. A
        service's own status takes its further fields from the row's columns of the same name,
        then from `details`, which may also replace the shared ones."""
        counters = Counters.of(row)
        live = progress_document(row["status"], row["rows_total"], counters, row["started_at"])
        if row["finished_at"] and row["started_at"]:
            elapsed = (row["finished_at"] - row["started_at"]).total_seconds()
            live["rows_per_second"] = round(row["rows_done"] / elapsed, 1) if elapsed > 0 else None
        shared: dict[str, Any] = dict(
            **{k: row[k] for k in ("id", "kind", "dry_run", "status", "filename", "error")},
            **{
                k: live[k]
                for k in (
                    "rows_total",
                    "rows_done",
                    "created",
                    "updated",
                    "duplicates",
                    "rejected",
                    "percent",
                    "rows_per_second",
                )
            },
            errors_csv=f"{base_path}/{row['id']}/errors.csv" if row["rejected"] else None,
            matches_csv=(
                f"{base_path}/{row['id']}/matches.csv"
                if row["duplicates"] or row["updated"]
                else None
            ),
        )
        own = {k: row[k] for k in cls.model_fields.keys() - shared.keys() if k in row}
        return cls(**shared | own | dict(details or {}))
