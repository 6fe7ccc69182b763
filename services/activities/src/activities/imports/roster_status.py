"""What an import of activities answers beyond the shared counters: of a training's roster,
the places on a waitlist, and what became of the people membership was asked to create.

`waitlisted` and `people_requested` are counted by the job (a dry run says what would
happen); `people_pending`, `people_linked` and `people_refused` are read from the
registrations the job made, since membership answers after the job, and a refusal cancels its
registration: the row is then in errors.csv with membership's reason.
"""

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from kombel_runtime.imports.schemas import ImportStatus
from pydantic import Field
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from activities.imports import registrations

_SAGAS = text(
    """
    SELECT import_id,
           count(*) FILTER (WHERE saga = 'pending') AS people_pending,
           count(*) FILTER (WHERE saga = 'linked') AS people_linked,
           count(*) FILTER (WHERE saga = 'refused') AS people_refused
    FROM registrations
    WHERE import_id = ANY(:ids) AND saga IS NOT NULL
    GROUP BY import_id
    """
).bindparams(bindparam("ids", type_=ARRAY(PG_UUID(as_uuid=True))))


class RosterImportStatus(ImportStatus):
    waitlisted: int = Field(0, description="Pendaftaran di daftar tunggu (impor peserta)")
    people_requested: int = Field(
        0, description="Baris dengan PTK yang belum dikenal: membership diminta mendaftarkannya"
    )
    people_pending: int | None = Field(None, description="PTK baru yang masih menunggu membership")
    people_linked: int | None = Field(None, description="PTK baru yang sudah didaftarkan")
    people_refused: int | None = Field(
        None, description="PTK baru yang ditolak membership; pendaftarannya dibatalkan"
    )


async def roster_details(
    session: AsyncSession, rows: Sequence[Mapping[str, Any]]
) -> dict[UUID, dict[str, Any]]:
    """The saga's outcome for each roster job that saved, in one query for the page."""
    rosters = [r for r in rows if r["kind"] == registrations.KIND and not r["dry_run"]]
    if not rosters:
        return {}
    found: dict[UUID, dict[str, Any]] = {
        r["import_id"]: dict(r)
        for r in (await session.execute(_SAGAS, {"ids": [r["id"] for r in rosters]})).mappings()
    }
    details: dict[UUID, dict[str, Any]] = {}
    for row in rosters:
        counts = found.get(row["id"], {})
        outcome = {
            name: counts.get(name, 0)
            for name in ("people_pending", "people_linked", "people_refused")
        }
        if outcome["people_refused"] and not row["rejected"]:
            outcome["errors_csv"] = f"/activities/imports/{row['id']}/errors.csv"
        details[row["id"]] = outcome
    return details
