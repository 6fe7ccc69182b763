"""Activities' imports as the runtime's machinery runs them: attendance lists of an activity,
uploaded by those who may record its attendance."""

from uuid import UUID

from kombel_runtime.auth import Principal
from kombel_runtime.errors import Invalid
from kombel_runtime.imports.importer import Importer
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import import_tables
from activities.imports import attendance
from activities.services.activities import writable_activity


async def check_importer(
    session: AsyncSession, principal: Principal, kind: str, target: str | None
) -> None:
    """Leads and koordinator of the activity's community, or staff of its region."""
    try:
        activity_id = UUID(target or "")
    except ValueError:
        raise Invalid("activity_id_required", "Sebutkan kegiatannya (`activity_id`).") from None
    await writable_activity(session, principal, activity_id)


IMPORTER = Importer(
    service="activities",
    base_path="/activities/imports",
    specs={attendance.KIND: attendance.SPEC},
    apply={attendance.KIND: attendance.apply},
    tables=import_tables,
    authorize=check_importer,
)
