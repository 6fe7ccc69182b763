"""The import worker: claims queued jobs one at a time and runs them to the end."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from kombel_events.imports import ImportFinished
from sqlalchemy import text, update

from kombel_runtime.auth import Principal, Role
from kombel_runtime.backoff import sleep_unless_stopped
from kombel_runtime.errors import is_unique_violation
from kombel_runtime.imports.importer import Importer
from kombel_runtime.imports.job import Counters, ImportFailed, ImportInterrupted, Job
from kombel_runtime.imports.pipeline import run_import
from kombel_runtime.imports.progress import publish_progress
from kombel_runtime.imports.refusals import shortened
from kombel_runtime.imports.retention import prune_import_rows
from kombel_runtime.imports.settings import import_settings
from kombel_runtime.locks import IMPORT_CLAIMS
from kombel_runtime.outbox import record_events
from kombel_runtime.service import ServiceRuntime

log = logging.getLogger(__name__)

# A queued job, or a running one whose worker stopped beating (it died mid-file): the job
# goes on from the rows it had committed. Jobs that save (not dry runs) of one kind run one at
# a time across all workers: two files naming the same NUPTK or community, decided side by
# side, would both create it. Claims take turns under an advisory lock, so the second claim
# sees the first one's job running.
_CLAIM = text(
    """
    UPDATE imports
    SET status = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now()
    WHERE id = (
        SELECT id FROM imports q
        WHERE (q.status = 'queued'
               OR (q.status = 'running'
                   AND q.heartbeat_at < now() - make_interval(secs => :stale_s)))
          AND (q.dry_run OR NOT EXISTS (
                SELECT 1 FROM imports r
                WHERE r.kind = q.kind AND r.id <> q.id AND NOT r.dry_run
                  AND r.status = 'running'
                  AND r.heartbeat_at >= now() - make_interval(secs => :stale_s)))
        ORDER BY q.created_at
        LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING *
    """
)
STALE_AFTER_S = 120
PRUNE_EVERY_S = 600


def principal_of(scope: dict[str, Any]) -> Principal:
    """The importer as the job's scope keeps them: roles and regions of the token, and the
    person whose standing in each community is read from the data while the job runs."""
    return Principal(
        subject=scope["subject"],
        roles=frozenset(Role(r) for r in scope["roles"]),
        province=scope.get("province"),
        kabkota=scope.get("kabkota"),
        npsn=scope.get("npsn"),
        person=scope.get("person"),
    )


def scope_of(principal: Principal) -> dict[str, Any]:
    return {
        "subject": principal.subject,
        "roles": sorted(principal.roles),
        "province": principal.province,
        "kabkota": principal.kabkota,
        "npsn": principal.npsn,
        "person": principal.person,
    }


async def wake_import_workers(runtime: ServiceRuntime, importer: Importer) -> None:
    """Tell a waiting worker (of any replica) that a job is queued."""
    await runtime.redis.rpush(importer.wake_key(), "1")


async def _wait_for_work(
    runtime: ServiceRuntime, importer: Importer, stopping: asyncio.Event
) -> None:
    """Until an upload wakes us, or a few seconds pass (jobs of dead workers, lost wake-ups)."""
    try:
        await runtime.redis.blpop([importer.wake_key()], timeout=2)  # type: ignore[misc]
    except Exception:
        await sleep_unless_stopped(stopping, 1.0)


def _failure_message(job: Job, failure: Exception) -> str:
    if is_unique_violation(failure):
        # A request (or another service's replica) saved the same record while the job ran.
        log.warning("import met a concurrent write", extra={"import_id": str(job.id)})
        return (
            "Data yang sama disimpan bersamaan oleh permintaan lain selama impor berjalan. "
            "Unggah lagi berkas yang sama: baris yang sudah tersimpan akan dikenali."
        )
    log.exception(
        "import failed", extra={"import_id": str(job.id), "error_type": type(failure).__name__}
    )
    return "Berkas gagal diproses. Unggah lagi; jika berulang, hubungi admin."


async def _prune_when_due(runtime: ServiceRuntime, due: float) -> float:
    """Between jobs, now and then: the noted rows past their retention go."""
    now = asyncio.get_running_loop().time()
    if now < due:
        return due
    try:
        await prune_import_rows(runtime)
    except Exception as failure:  # housekeeping: the next round tries again
        log.warning("import rows prune failed", extra={"error_type": type(failure).__name__})
    return now + PRUNE_EVERY_S


def import_worker(
    importer: Importer,
) -> Callable[[ServiceRuntime, asyncio.Event], Awaitable[None]]:
    """The worker of a service's import jobs, for its `ServiceDefinition(workers=…)`."""

    async def run(runtime: ServiceRuntime, stopping: asyncio.Event) -> None:
        await run_import_worker(runtime, importer, stopping)

    return run


async def run_import_worker(
    runtime: ServiceRuntime, importer: Importer, stopping: asyncio.Event
) -> None:
    imports = importer.tables.imports
    max_rows = import_settings(runtime).import_max_rows
    next_prune = 0.0
    while not stopping.is_set():
        async with runtime.sessions() as session, session.begin():
            await session.execute(IMPORT_CLAIMS.xact_lock())
            claimed = (await session.execute(_CLAIM, {"stale_s": STALE_AFTER_S})).mappings().first()
        if claimed is None:
            next_prune = await _prune_when_due(runtime, next_prune)
            await _wait_for_work(runtime, importer, stopping)
            continue
        job = Job(
            id=claimed["id"],
            kind=claimed["kind"],
            dry_run=claimed["dry_run"],
            principal=principal_of(claimed["scope"]),
            max_rows=max_rows,
            target=claimed["target"],
            counters=Counters.of(claimed, importer.tables.counters),
        )
        status, error = "succeeded", None
        try:
            await run_import(runtime, importer, job, claimed["content"], stopping)
        except ImportInterrupted:
            async with runtime.sessions() as session, session.begin():
                await session.execute(
                    update(imports).where(imports.c.id == job.id).values(status="queued")
                )
            return
        except ImportFailed as failure:
            status, error = "failed", shortened(str(failure))
        except Exception as failure:
            status, error = "failed", _failure_message(job, failure)
        finished_at = datetime.now(UTC)
        async with runtime.sessions() as session, session.begin():
            # The upload is personal data: once the job is over only the rejected rows stay.
            total = await session.scalar(
                update(imports)
                .where(imports.c.id == job.id)
                .values(
                    status=status,
                    error=error,
                    finished_at=finished_at,
                    content=None,
                    **job.counters.as_row(),
                )
                .returning(imports.c.rows_total)
            )
            finished = ImportFinished(
                import_id=job.id,
                service=runtime.definition.name,
                kind=job.kind,
                dry_run=job.dry_run,
                status=status,
                uploader_person_id=job.principal.person_id,
                filename=claimed["filename"],
                created=job.counters.created,
                updated=job.counters.updated,
                duplicates=job.counters.duplicates,
                rejected=job.counters.rejected,
                finished_at=finished_at,
            )
            await record_events(session, runtime.source, [finished])
        await publish_progress(
            runtime, importer, job.id, status, total, job.counters, claimed["started_at"]
        )
