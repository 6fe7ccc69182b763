"""Who may upload a training's roster or a session's paper attendance list, read from the data.

Province staff organise the trainings of their province and a national admin every training;
district staff may upload for the sessions in their kabupaten/kota (a roster's rows placed
elsewhere are refused, row by row). To anyone else the training does not exist.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from kombel_runtime.auth import Principal
from kombel_runtime.errors import DomainError
from kombel_runtime.imports.job import ImportFailed, Job
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import training_sessions, trainings
from activities.domain import trainings as rules

T = TypeVar("T")


async def target_of(
    session: AsyncSession,
    job: Job,
    allowed: Callable[[AsyncSession, Principal, UUID], Awaitable[T]],
) -> T:
    """The job's target as `allowed` reads it for the importer, asked again for every chunk:
    an importer who lost the right, or a target cancelled while the file runs, fails the rest
    of the file with the reason."""
    assert job.target is not None
    try:
        return await allowed(session, job.principal, UUID(job.target))
    except DomainError as refusal:
        raise ImportFailed(refusal.message) from refusal


@dataclass(frozen=True)
class Roster:
    """A training as its roster is placed: its sessions, and the one kabupaten/kota the
    uploader is limited to (district staff), if any."""

    training: dict[str, Any]
    sessions: list[dict[str, Any]]
    kabkota: str | None

    def allows(self, place: dict[str, Any]) -> bool:
        return self.kabkota is None or place["kabkota_code"] == self.kabkota


async def roster_of(session: AsyncSession, principal: Principal, training_id: UUID) -> Roster:
    """The training, if the caller may upload its roster; else not found (or cancelled)."""
    training = (
        (await session.execute(select(trainings).where(trainings.c.id == training_id)))
        .mappings()
        .first()
    )
    if training is None:
        raise rules.training_not_found()
    sessions = [
        dict(row)
        for row in (
            await session.execute(
                select(training_sessions)
                .where(training_sessions.c.training_id == training_id)
                .order_by(training_sessions.c.code)
            )
        ).mappings()
    ]
    found = rules.reach(
        principal,
        training["province_code"],
        {s["kabkota_code"] for s in sessions},
        participant=False,
    )
    reach = rules.require_reader(found)
    rules.check_open(dict(training))
    kabkota = None if reach is rules.Reach.ORGANISER else principal.kabkota
    return Roster(dict(training), sessions, kabkota)


async def checkin_session(
    session: AsyncSession, principal: Principal, session_id: UUID
) -> dict[str, Any]:
    """The session, if the caller checks people in there (`rules.works_at`)."""
    row = (
        (
            await session.execute(
                select(training_sessions).where(training_sessions.c.id == session_id)
            )
        )
        .mappings()
        .first()
    )
    if row is None or not rules.works_at(principal, row["kabkota_code"]):
        raise rules.session_not_found()
    rules.check_session_open(dict(row))
    return dict(row)
