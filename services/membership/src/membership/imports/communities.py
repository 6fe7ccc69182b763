"""Importing communities: matched by name within their kabupaten/kota.

A row whose name an active community of the same kabupaten/kota already has (letter case and
spacing aside) is that community: equal details make it a duplicate, other details update it.
Meeting schedules are set per community through the API.
"""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from kombel_events.membership import CommunityKind, CommunityUpdated, ForumType, Jenjang
from kombel_runtime.errors import DomainError
from kombel_runtime.imports.job import Chunk, Job, Row
from kombel_runtime.parameters import texts
from sqlalchemy import any_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.tables import communities, schools
from membership.domain.communities import (
    RegisterCommunity,
    check_details,
    name_key,
    new_community,
)

# The API's messages name its fields; a spreadsheet's user knows the columns.
IN_THE_SHEET = {
    "subject_required": "Mata Pelajaran: MGMP perlu mata pelajaran",
    "too_many_host_schools": (
        "NPSN Sekolah Induk: komunitas dalam sekolah hanya punya satu sekolah induk"
    ),
}

DETAILS = ("kind", "forum_type", "jenjang", "subject_name", "host_school_npsns", "pmm_url")


async def apply(session: AsyncSession, job: Job, chunk: Chunk) -> None:
    candidates: list[Row] = []
    for row in chunk.rows:
        if row.error:
            continue
        key = f"{row.values['kabkota_code']}:{name_key(row.values['name'])}"
        if job.claim(chunk, row, [("community", key)]):
            candidates.append(row)
    hosts = {npsn for row in candidates for npsn in row.values["host_school_npsns"]}
    known_schools = set(
        await session.scalars(select(schools.c.npsn).where(schools.c.npsn == any_(texts(hosts))))
    )
    kabkota_codes = {row.values["kabkota_code"] for row in candidates}
    names = {name_key(row.values["name"]) for row in candidates}
    stored = {
        (c["kabkota_code"], name_key(c["name"])): dict(c)
        for c in (
            await session.execute(
                select(communities).where(
                    communities.c.status == "active",
                    communities.c.kabkota_code == any_(texts(kabkota_codes)),
                    records.community_name_key == any_(texts(names)),
                )
            )
        ).mappings()
    }
    for row in candidates:
        values = row.values
        unknown = [n for n in values["host_school_npsns"] if n not in known_schools]
        if unknown:
            row.error = f"NPSN Sekolah Induk: sekolah {', '.join(unknown)} belum terdaftar"
            continue
        found = stored.get((values["kabkota_code"], name_key(values["name"])))
        if found is None:
            _create(job, chunk, row)
        else:
            _compare(job, chunk, row, job.decided.get(("community", found["id"]), found))


def _create(job: Job, chunk: Chunk, row: Row) -> None:
    values = row.values
    command = RegisterCommunity(
        name=values["name"],
        kind=CommunityKind(values["kind"]),
        forum_type=ForumType(values["forum_type"]),
        jenjang=[Jenjang(j) for j in values["jenjang"]],
        kabkota_code=values["kabkota_code"],
        subject_name=values["subject_name"],
        host_school_npsns=values["host_school_npsns"],
        pmm_url=values["pmm_url"],
    )
    try:
        community, event = new_community(job.principal, command)
    except DomainError as error:
        row.error = IN_THE_SHEET.get(error.code, error.message)
        return
    chunk.create("communities", asdict(community), event)
    chunk.audit(job, "community.registered", str(community.id))


def _compare(job: Job, chunk: Chunk, row: Row, stored: dict[str, Any]) -> None:
    if not job.principal.covers_region(stored["kabkota_code"]):
        row.error = "Kabupaten/Kota: di luar wilayah kewenangan Anda"
        return
    differences = {
        f: row.values[f]
        for f in DETAILS
        if row.values.get(f) and _comparable(row.values[f]) != _comparable(stored[f])
    }
    if not differences:
        chunk.duplicate(row, f"sama dengan komunitas tersimpan ({stored['id']})")
        return
    merged = stored | differences
    try:
        check_details(
            CommunityKind(merged["kind"]),
            ForumType(merged["forum_type"]),
            merged["subject_name"],
            merged["host_school_npsns"],
        )
    except DomainError as error:
        row.error = IN_THE_SHEET.get(error.code, error.message)
        return
    job.decided[("community", stored["id"])] = merged
    chunk.audit(job, "community.updated", str(stored["id"]), fields=sorted(differences))
    chunk.update(
        row,
        f"memperbarui komunitas tersimpan ({stored['id']}): {', '.join(sorted(differences))}",
        CommunityUpdated.model_validate(merged | {"community_id": stored["id"]}),
        update(communities)
        .where(communities.c.id == stored["id"])
        .values(**differences, updated_at=datetime.now(UTC)),
    )


def _comparable(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value
