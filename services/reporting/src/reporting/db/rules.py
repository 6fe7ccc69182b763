"""The active rules as stored: per province, and the national default (province_code '')."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.db.tables import active_rules
from reporting.domain.active_rule import ActiveRule

NATIONAL = ""


async def rule_in_force(session: AsyncSession, province: str) -> dict[str, Any] | None:
    """The province's own rule, else the national default; None if neither is stored."""
    query = (
        select(active_rules)
        .where(active_rules.c.province_code.in_([province, NATIONAL]))
        .order_by(active_rules.c.province_code.desc())
        .limit(1)
    )
    found = (await session.execute(query)).mappings().first()
    return dict(found) if found else None


async def provinces_with_own_rule(session: AsyncSession) -> set[str]:
    query = select(active_rules.c.province_code).where(active_rules.c.province_code != NATIONAL)
    return set((await session.execute(query)).scalars())


async def store_rule(
    session: AsyncSession, province: str, rule: ActiveRule, updated_by: str
) -> None:
    values = {
        "province_code": province,
        "min_activities": rule.min_activities,
        "window_days": rule.window_days,
        "min_members_present": rule.min_members_present,
        "updated_at": datetime.now(UTC),
        "updated_by": updated_by,
    }
    statement = insert(active_rules).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[active_rules.c.province_code],
            set_={k: statement.excluded[k] for k in values if k != "province_code"},
        )
    )


async def drop_rule(session: AsyncSession, province: str) -> bool:
    result = await session.execute(
        delete(active_rules).where(active_rules.c.province_code == province)
    )
    return bool(getattr(result, "rowcount", 0))
