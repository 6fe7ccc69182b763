"""Activities' imports as the runtime's machinery runs them: a paper attendance list of an
activity, a training's roster, and a paper attendance list of a training session. Each kind
names what its file goes into (`activity_id`, `training_id`, `session_id`), and who may
upload is asked of that."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from kombel_runtime.auth import Principal
from kombel_runtime.errors import Invalid
from kombel_runtime.imports.importer import Importer
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import import_tables
from activities.imports import attendance, checkins, registrations
from activities.imports.organisers import checkin_session, roster_of
from activities.imports.roster_status import RosterImportStatus, roster_details
from activities.services.activities import writable_activity

# Each kind's target, as its upload route names it, and who may import into it.
TARGETS: dict[str, tuple[str, Callable[[AsyncSession, Principal, UUID], Awaitable[object]]]] = {
    attendance.KIND: ("activity_id", writable_activity),
    registrations.KIND: ("training_id", roster_of),
    checkins.KIND: ("session_id", checkin_session),
}


async def check_importer(
    session: AsyncSession, principal: Principal, kind: str, target: str | None
) -> None:
    """Leads and koordinator of an activity's community or staff of its region; organisers of
    a training; staff of a session's place."""
    name, authorize = TARGETS[kind]
    try:
        target_id = UUID(target or "")
    except ValueError:
        raise Invalid(f"{name}_required", f"Sebutkan tujuannya (`{name}`).") from None
    await authorize(session, principal, target_id)


IMPORTER = Importer(
    service="activities",
    base_path="/activities/imports",
    specs={
        attendance.KIND: attendance.SPEC,
        registrations.KIND: registrations.SPEC,
        checkins.KIND: checkins.SPEC,
    },
    apply={
        attendance.KIND: attendance.apply,
        registrations.KIND: registrations.apply,
        checkins.KIND: checkins.apply,
    },
    tables=import_tables,
    authorize=check_importer,
    status=RosterImportStatus,
    details=roster_details,
)
