"""The audit log of personal data: bulk reads, exports and changes leave a trace (UU PDP)."""

from typing import Any

from kombel_runtime.auth import Principal
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db.tables import audit_log


async def audit(
    session: AsyncSession, principal: Principal, action: str, subject: str | None, **detail: Any
) -> None:
    """Record who did what to whom, in the caller's transaction."""
    await session.execute(
        audit_log.insert().values(
            actor=principal.subject, action=action, subject=subject, detail=detail or None
        )
    )
