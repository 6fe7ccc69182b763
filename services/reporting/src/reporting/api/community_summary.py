"""`/reporting/communities/{id}/summary`: one community's row of its kabupaten/kota summary,
with its weekly series, for the console's community page.

Staff whose region holds the community read it, and so do its current members (its lead
among them); anyone else is told it does not exist, like every object read of the platform.
"""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from kombel_runtime.auth import CurrentPrincipal, Principal
from kombel_runtime.errors import NotFound
from kombel_runtime.service import DbSession, Runtime
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.api.answers import cached_answer
from reporting.db import summaries
from reporting.db.summaries import Periods
from reporting.db.tables import community_members as members
from reporting.domain.periods import iso_week, zone_of_region
from reporting.domain.region_scope import scope_label
from reporting.domain.summary_rows import community_item

router = APIRouter(prefix="/communities", tags=["communities"])


def _not_found() -> NotFound:
    return NotFound("community_not_found", "Komunitas tidak ditemukan.")


async def _readable(session: AsyncSession, principal: Principal, community_id: UUID) -> str:
    """The community's kabupaten/kota, if the caller may read it."""
    place = await summaries.community_place(session, community_id)
    if place is None:
        raise _not_found()
    if principal.covers_region(place["kabkota_code"]):
        return str(place["kabkota_code"])
    person = principal.person_id
    if person is not None:
        member = await session.execute(
            select(members.c.person_id).where(
                members.c.community_id == community_id,
                members.c.person_id == person,
                members.c.left_on.is_(None),
            )
        )
        if member.first() is not None:
            return str(place["kabkota_code"])
    raise _not_found()


async def _summary(
    session: AsyncSession, community_id: UUID, kabkota: str, weeks: int
) -> dict[str, Any]:
    now = datetime.now(UTC)
    periods = Periods.at(zone_of_region(kabkota), now)
    row = await summaries.community_row(session, community_id, periods)
    if row is None:
        raise _not_found()
    found = await summaries.community_weeks(session, community_id, periods, weeks)
    return {
        "community": community_item(row, now)
        | {
            "province_code": row["province_code"],
            "kabkota_code": row["kabkota_code"],
            "archived_at": row["archived_at"],
            "active_until": row["active_until"],
        },
        "weekly": [
            {
                "week": iso_week(start),
                "week_start": start,
                "activities": found.get(start, {}).get("activities", 0),
            }
            for start in summaries.week_starts(periods, weeks)
        ],
    }


@router.get("/{community_id}/summary", summary="Ringkasan satu komunitas dan deret mingguannya")
async def community_summary(
    community_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    weeks: Annotated[int, Query(ge=1, le=104, description="Berapa minggu terakhir")] = 12,
) -> Any:
    kabkota = await _readable(session, principal, community_id)
    # Whoever may read it reads the same answer; the key still names the reach.
    reach = scope_label(principal) if principal.covers_region(kabkota) else "member"
    return await cached_answer(
        runtime,
        ["community", reach, str(community_id), str(weeks)],
        lambda: _summary(session, community_id, kabkota, weeks),
    )
