"""Membership's imports as the runtime's machinery runs them: its kinds, who may import them."""

from kombel_events.membership import MemberRole
from kombel_runtime.auth import Principal
from kombel_runtime.imports.importer import Importer
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.audit import audit
from membership.db.tables import import_tables
from membership.domain.access import leads, require_importer
from membership.imports import communities, kecamatan, memberships, people, schools
from membership.imports.kinds import SPECS, ImportKind


async def check_importer(
    session: AsyncSession, principal: Principal, kind: str, target: str | None = None
) -> None:
    """Whether the caller may import this kind at all, before their file is read; each row
    is checked again when the job runs. Membership's kinds name no target."""
    leads_a_community = False
    if kind == ImportKind.MEMBERSHIPS and principal.person_id is not None:
        roles = await records.roles_of(session, principal.person_id)
        leads_a_community = any(leads(MemberRole(r)) for r in roles.values())
    require_importer(principal, ImportKind(kind), leads_a_community=leads_a_community)


IMPORTER = Importer(
    service="membership",
    base_path="/membership/imports",
    specs=SPECS,
    apply={
        ImportKind.PEOPLE: people.apply,
        ImportKind.COMMUNITIES: communities.apply,
        ImportKind.SCHOOLS: schools.apply,
        ImportKind.MEMBERSHIPS: memberships.apply,
        ImportKind.KECAMATAN: kecamatan.apply,
    },
    tables=import_tables,
    authorize=check_importer,
    audit=audit,
)
