"""Importing memberships: a person (by NUPTK, email or phone) joins a community (by id);
a different role for a current member is a role change, and the last penggerak stays."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from kombel_events.membership import MemberJoined, MemberRole, MemberRoleChanged
from kombel_runtime.errors import DomainError
from kombel_runtime.imports.job import Chunk, Job, Row
from kombel_runtime.parameters import texts, uuids
from sqlalchemy import any_, select
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.tables import communities, memberships
from membership.domain.access import can_manage_community, may_enrol
from membership.domain.communities import name_key
from membership.domain.memberships import check_penggerak_kept

# The API's messages speak to a person in the app; a spreadsheet's user reads them by column.
IN_THE_SHEET = {"last_penggerak": "Peran: komunitas harus tetap punya penggerak"}

# The current roles of the communities a chunk names: community id -> person -> role.
Roles = dict[str, dict[UUID, MemberRole]]


async def _standings(session: AsyncSession, job: Job) -> dict[str, MemberRole]:
    """The importer's own roles now, by community: what they may change is read from the
    data for every chunk, with what earlier chunks of the file decided about them."""
    importer = job.principal.person_id
    if importer is None:
        return {}
    roles = {str(c): MemberRole(r) for c, r in (await records.roles_of(session, importer)).items()}
    for key, role in job.decided.items():
        if key[0] == "member" and key[2] == importer:
            roles[key[1]] = MemberRole(role)
    return roles


async def apply(session: AsyncSession, job: Job, chunk: Chunk) -> None:
    standings = await _standings(session, job)
    named = [r for r in chunk.rows if not r.error and not r.values["community_id"]]
    await _communities_by_name(session, job, standings, named)
    valid = [r for r in chunk.rows if not r.error]
    found = await records.people_holding(session, [r.values for r in valid])
    ids = list({r.values["community_id"] for r in valid})
    known = {
        str(c["id"]): dict(c)
        for c in (
            await session.execute(select(communities).where(communities.c.id == any_(uuids(ids))))
        ).mappings()
    }
    current: Roles = {}
    for m in (
        await session.execute(
            select(memberships).where(
                memberships.c.community_id == any_(uuids(ids)), memberships.c.ended_on.is_(None)
            )
        )
    ).mappings():
        current.setdefault(str(m["community_id"]), {})[m["person_id"]] = MemberRole(m["role"])
    # Roles decided by earlier chunks of this file, which may not be committed yet.
    for key, role in job.decided.items():
        if key[0] == "member":
            current.setdefault(key[1], {})[key[2]] = MemberRole(role)
    for row in valid:
        community = known.get(row.values["community_id"])
        hit = records.holder(found, row.values)
        person = hit[0] if hit else None
        standing = standings.get(row.values["community_id"])
        if community is None or not can_manage_community(job.principal, community, standing):
            row.error = "ID Komunitas: tidak ditemukan atau di luar wilayah kewenangan Anda"
        elif community["status"] != "active":
            row.error = "ID Komunitas: komunitas sudah diarsipkan"
        elif person is None or not may_enrol(job.principal, community, standing, person):
            # Unknown and out of reach are said alike: an import is not a way to find people.
            row.error = (
                "PTK dengan NUPTK/email/nomor HP ini tidak ditemukan di wilayah komunitas; "
                "impor PTK dulu, atau undang PTK dari wilayah lain lewat aplikasi"
            )
        elif job.claim(chunk, row, [("member", f"{community['id']}:{person['id']}")]):
            _decide(job, chunk, row, community, person, current)


async def _communities_by_name(
    session: AsyncSession, job: Job, standings: dict[str, MemberRole], rows: list[Row]
) -> None:
    """Give each row the id of the one active community it names, among those the importer
    manages (and in its kabupaten/kota, when the row says which)."""
    if not rows:
        return
    keys = {name_key(r.values["community_name"]) for r in rows}
    managed: dict[str, list[dict[str, Any]]] = {}
    for community in (
        await session.execute(
            select(communities).where(
                communities.c.status == "active", records.community_name_key == any_(texts(keys))
            )
        )
    ).mappings():
        if can_manage_community(
            job.principal, dict(community), standings.get(str(community["id"]))
        ):
            managed.setdefault(name_key(community["name"]), []).append(dict(community))
    for row in rows:
        kabkota = row.values["kabkota_code"]
        matches = [
            c
            for c in managed.get(name_key(row.values["community_name"]), [])
            if kabkota in (None, c["kabkota_code"])
        ]
        if not matches:
            row.error = "Nama Komunitas: tidak ditemukan di wilayah kewenangan Anda"
        elif len(matches) > 1:
            row.error = (
                f"Nama Komunitas: dipakai {len(matches)} komunitas; "
                "isi juga Kabupaten/Kota atau ID Komunitas"
            )
        else:
            row.values["community_id"] = str(matches[0]["id"])


def _decide(
    job: Job,
    chunk: Chunk,
    row: Row,
    community: dict[str, Any],
    person: dict[str, Any],
    current: Roles,
) -> None:
    members = current.setdefault(str(community["id"]), {})
    role = MemberRole(row.values["role"])
    since = (
        date.fromisoformat(row.values["since"]) if row.values["since"] else datetime.now(UTC).date()
    )
    previous = members.get(person["id"])
    if previous is role:
        chunk.duplicate(row, "sudah anggota dengan peran ini")
        return
    try:
        check_penggerak_kept(members, person["id"], role)
    except DomainError as error:
        row.error = IN_THE_SHEET.get(error.code, error.message)
        return
    members[person["id"]] = role
    job.decided[("member", str(community["id"]), person["id"])] = role.value
    ids = {"community_id": community["id"], "person_id": person["id"]}
    record = ids | {"role": role.value, "started_on": since, "recorded_by": job.principal.subject}
    subject, community_id = str(person["id"]), str(community["id"])
    if previous is None:
        chunk.create("memberships", record, MemberJoined(**ids, role=role, since=since))
        chunk.audit(job, "member.joined", subject, community=community_id)
        return
    chunk.audit(job, "member.role_changed", subject, community=community_id, role=role.value)
    chunk.update(
        row,
        f"peran berubah dari {previous.value}",
        MemberRoleChanged(**ids, previous_role=previous, role=role, since=since),
        records.ending_membership(community["id"], person["id"], since),
        memberships.insert().values(**record),
    )
