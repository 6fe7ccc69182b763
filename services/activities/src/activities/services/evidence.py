"""Evidence of an activity: photos and PDFs, checked by content, kept in object storage.

The file is stored before its row is committed; a failure between the two leaves an orphan
file under the activity's prefix, which goes with the activity, never a row without a file.
"""

from typing import Any
from uuid import UUID

from kombel_events.activities import EvidenceAttached
from kombel_runtime.auth import Principal
from kombel_runtime.errors import ApiError
from kombel_runtime.evidence_files import (
    THUMBNAIL_CONTENT_TYPE,
    EvidenceFileRefused,
    FileTooLarge,
    accept_evidence_file,
)
from kombel_runtime.ids import uuid7
from kombel_runtime.object_storage import ObjectStore
from kombel_runtime.outbox import record_events
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import evidence
from activities.domain.access import not_found
from activities.services.activities import readable_activity, writable_activity

WHAT = "Bukti kegiatan"


def activity_prefix(activity_id: UUID) -> str:
    return f"activities/{activity_id}"


def file_key(row: dict[str, Any]) -> str:
    return f"{activity_prefix(row['activity_id'])}/{row['id']}"


async def attach(
    session: AsyncSession,
    source: str,
    store: ObjectStore,
    principal: Principal,
    activity_id: UUID,
    data: bytes,
    filename: str,
    max_bytes: int,
) -> dict[str, Any]:
    activity = await writable_activity(session, principal, activity_id)
    try:
        accepted = await accept_evidence_file(data, max_bytes=max_bytes)
    except EvidenceFileRefused as refused:
        status = 413 if isinstance(refused, FileTooLarge) else 422
        raise ApiError(status, refused.code, refused.message) from None
    row = {
        "id": uuid7(),
        "activity_id": activity_id,
        "content_type": accepted.content_type,
        "size": accepted.size,
        "sha256": accepted.sha256,
        "filename": filename[:200] or "bukti",
        "has_thumbnail": accepted.thumbnail is not None,
        "uploaded_by": principal.subject,
    }
    key = file_key(row)
    await store.put(key, accepted.data, accepted.content_type)
    if accepted.thumbnail is not None:
        await store.put(f"{key}/thumbnail", accepted.thumbnail, THUMBNAIL_CONTENT_TYPE)
    await session.execute(evidence.insert().values(**row))
    await record_events(
        session,
        source,
        [
            EvidenceAttached(
                activity_id=activity_id,
                community_id=activity["community_id"],
                evidence_id=row["id"],
                content_type=accepted.content_type,
            )
        ],
    )
    return row


async def evidence_of(
    session: AsyncSession, principal: Principal, activity_id: UUID
) -> list[dict[str, Any]]:
    await readable_activity(session, principal, activity_id)
    rows = await session.execute(
        select(evidence).where(evidence.c.activity_id == activity_id).order_by(evidence.c.id)
    )
    return [dict(r) for r in rows.mappings()]


async def _evidence(session: AsyncSession, evidence_id: UUID) -> dict[str, Any]:
    row = (
        (await session.execute(select(evidence).where(evidence.c.id == evidence_id)))
        .mappings()
        .first()
    )
    if row is None:
        raise not_found(WHAT)
    return dict(row)


async def readable_evidence(
    session: AsyncSession, principal: Principal, evidence_id: UUID
) -> dict[str, Any]:
    """The evidence, for those who may read its activity; others are told it does not exist."""
    row = await _evidence(session, evidence_id)
    await readable_activity(session, principal, row["activity_id"])
    return row


async def remove(
    session: AsyncSession, store: ObjectStore, principal: Principal, evidence_id: UUID
) -> None:
    row = await _evidence(session, evidence_id)
    await writable_activity(session, principal, row["activity_id"])
    await session.execute(delete(evidence).where(evidence.c.id == evidence_id))
    await store.delete_prefix(file_key(row))
    await store.delete(file_key(row))
