"""Import progress for live progress bars: a Redis hash per job and a channel for SSE."""

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from kombel_runtime.service import ServiceRuntime

if TYPE_CHECKING:
    from kombel_runtime.imports.importer import Importer
    from kombel_runtime.imports.job import Counters

TTL_S = 24 * 3600


def progress_document(
    status: str, total: int | None, counters: "Counters", started: datetime | None
) -> dict[str, Any]:
    done = counters.rows_done
    elapsed = (datetime.now(UTC) - started).total_seconds() if started else 0
    return {
        "status": status,
        "rows_total": total,
        "percent": round(100 * done / total, 1)
        if total
        else (100.0 if status == "succeeded" else 0.0),
        "rows_per_second": round(done / elapsed, 1) if elapsed > 0 else None,
        **counters.as_row(),
    }


async def publish_progress(
    runtime: ServiceRuntime,
    importer: "Importer",
    import_id: UUID,
    status: str,
    total: int | None,
    counters: "Counters",
    started: datetime | None,
) -> None:
    document = json.dumps(progress_document(status, total, counters, started))
    key = importer.progress_key(import_id)
    async with runtime.redis.pipeline(transaction=False) as batch:
        batch.set(key, document, ex=TTL_S)
        batch.publish(key, document)
        await batch.execute()
