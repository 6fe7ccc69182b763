"""The set queries a training roster's chunk is matched by: its schools, the people its rows'
identity digests name, and who already holds a place in the training. A few statements per
chunk, whatever its size."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import LargeBinary, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import replica_schools

_PEOPLE_HOLDING = text(
    """
    SELECT p.id, d.digest, p.kabkota_code
    FROM replica_people p CROSS JOIN LATERAL unnest(p.identity_digests) AS d(digest)
    WHERE p.identity_digests && :digests AND p.status = 'active' AND d.digest = ANY(:digests)
    """
).bindparams(bindparam("digests", type_=ARRAY(LargeBinary)))

_PLACES_HELD = text(
    """
    SELECT person_id, identity_digests, saga, cancel_reason FROM registrations
    WHERE training_id = :training_id
      AND (status <> 'cancelled' OR saga = 'refused')
      AND (person_id = ANY(:people) OR identity_digests && :digests)
    """
).bindparams(
    bindparam("digests", type_=ARRAY(LargeBinary)),
    bindparam("people", type_=ARRAY(PG_UUID(as_uuid=True))),
)


async def schools_of(session: AsyncSession, npsns: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The replica's schools of these NPSNs, by NPSN."""
    wanted = sorted(set(npsns))
    if not wanted:
        return {}
    rows = await session.execute(select(replica_schools).where(replica_schools.c.npsn.in_(wanted)))
    return {row["npsn"]: dict(row) for row in rows.mappings()}


@dataclass
class Holders:
    """Which people (active in the replica) hold each digest, and where each of them is."""

    by_digest: dict[bytes, set[UUID]] = field(default_factory=dict)
    kabkota_of: dict[UUID, str | None] = field(default_factory=dict)


async def people_holding(session: AsyncSession, digests: Iterable[bytes]) -> Holders:
    wanted = list(set(digests))
    holders = Holders()
    if not wanted:
        return holders
    rows = await session.execute(_PEOPLE_HOLDING, {"digests": wanted})
    for person_id, digest, kabkota in rows:
        holders.by_digest.setdefault(bytes(digest), set()).add(person_id)
        holders.kabkota_of[person_id] = kabkota
    return holders


@dataclass
class PlacesHeld:
    """The registrations of a training that a chunk's rows may repeat: the live ones, and
    those membership refused (uploading the roster again does not ask again)."""

    people: set[UUID] = field(default_factory=set)
    digests: set[bytes] = field(default_factory=set)
    # Digests of refused rows, with membership's reason.
    refused: dict[bytes, str] = field(default_factory=dict)


async def places_held(
    session: AsyncSession, training_id: UUID, people: Iterable[UUID], digests: Iterable[bytes]
) -> PlacesHeld:
    held = PlacesHeld()
    rows = await session.execute(
        _PLACES_HELD,
        {"training_id": training_id, "people": list(set(people)), "digests": list(set(digests))},
    )
    for person_id, stored, saga, reason in rows:
        if saga == "refused":
            held.refused.update((bytes(d), reason or "") for d in stored or ())
            continue
        if person_id is not None:
            held.people.add(person_id)
        held.digests.update(bytes(d) for d in stored or ())
    return held
