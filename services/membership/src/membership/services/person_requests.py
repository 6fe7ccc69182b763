"""The registration saga, membership's side: a person requested for a training roster's row
is found or registered, or refused, and the answer goes back to activities.

A request is judged as a row of the people import is (`domain.matching`), with the
requester's scope, but a match only links: a training roster does not change what membership
holds about a person. A batch is judged in three set queries (its fields validated again,
since a command is input); requests for the same new person in one batch get one person, the
first registering them and the others finding them. A person registered meanwhile by another
transaction (an import, a request on another partition) makes the insert fail on the unique
identity indexes; the consumer then retries each event alone, which finds them.
"""

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from kombel_events import IntegrationEvent
from kombel_events.membership import PersonRegistered
from kombel_events.person_requests import (
    PersonRequestAccepted,
    PersonRequested,
    PersonRequestRefused,
    Requester,
)
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import validation_message
from kombel_runtime.ids import uuid7
from kombel_runtime.outbox import record_events
from kombel_runtime.person_rows import PersonDraft
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from membership.db import records
from membership.db.tables import audit_log, people
from membership.domain.matching import Refusal, match, place
from membership.domain.people import state_event
from membership.imports.kinds import SPECS, ImportKind

Reply = PersonRequestAccepted | PersonRequestRefused

# The roster's headers, which are the people import's: a refusal names the column to fix.
_LABELS = {c.field: c.header for c in SPECS[ImportKind.PEOPLE].columns}
_DRAFT_FIELDS = tuple(PersonDraft.model_fields)
NO_IDENTITY = Refusal(
    "invalid",
    "Isi NUPTK, email atau nomor HP/WA: tanpa salah satunya PTK tidak dapat dikenali lagi",
)


def requester_principal(requester: Requester) -> Principal:
    """The requester as the staff scope membership checks; roles it does not know grant
    nothing."""
    known = {r.value for r in Role}
    return Principal(
        subject=requester.subject,
        roles=frozenset(Role(r) for r in requester.roles if r in known),
        province=requester.province,
        kabkota=requester.kabkota,
    )


def _draft(request: PersonRequested) -> dict[str, Any] | Refusal:
    """The person's fields as the people import validates a row, or why they are invalid
    (the columns and what is wrong with them, never their values)."""
    fields = request.model_dump(mode="json", include=set(_DRAFT_FIELDS))
    try:
        values = PersonDraft.model_validate(fields).model_dump(mode="json")
    except ValidationError as error:
        return Refusal(
            "invalid",
            "; ".join(
                f"{_label(e['loc'])}: {validation_message(e)}"
                for e in error.errors(include_input=False, include_url=False)
            ),
        )
    if not any(values.get(f) for f in records.PERSON_IDENTITIES):
        return NO_IDENTITY
    return values


def _label(location: tuple[int | str, ...]) -> str:
    return _LABELS.get(str(location[0]), str(location[0])) if location else "Baris"


async def answer_person_requests(
    session: AsyncSession, source: str, requests: Sequence[PersonRequested]
) -> list[Reply]:
    """Find, register or refuse the person of each request, in order; the people registered,
    their events, audit entries and the replies are written in the session's transaction.
    The replies, one per request."""
    principals = [requester_principal(r.requester) for r in requests]
    judged: list[dict[str, Any] | Refusal] = [_draft(r) for r in requests]
    schools = await records.schools_by_npsn(
        session, (v["school_npsn"] for v in judged if not isinstance(v, Refusal))
    )
    for i, values in enumerate(judged):
        if not isinstance(values, Refusal):
            placed = place(principals[i], schools.get(values["school_npsn"]), values["school_npsn"])
            judged[i] = placed if isinstance(placed, Refusal) else values | placed
    found = await records.people_holding(session, [v for v in judged if not isinstance(v, Refusal)])
    replies: list[Reply] = []
    registered: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for request, principal, values in zip(requests, principals, judged, strict=True):
        verdict = values if isinstance(values, Refusal) else match(principal, found, values)
        if isinstance(verdict, Refusal):
            replies.append(_refused(request, verdict))
            continue
        if verdict is not None:
            replies.append(_accepted(request, verdict.person["id"], created=False))
            continue
        record = cast(dict[str, Any], values) | {"id": uuid7()}
        registered.append(record)
        # A later request of the batch for the same person finds this one.
        found.update({(f, record[f]): record for f in records.UNIQUE_IDENTITIES if record[f]})
        audits.append(
            {
                "actor": principal.subject,
                "action": "person.registered",
                "subject": str(record["id"]),
                "detail": {"request": str(request.request_id), "reason": request.reason},
            }
        )
        replies.append(_accepted(request, record["id"], created=True))
    if registered:
        await session.execute(people.insert(), registered)
        await session.execute(audit_log.insert(), audits)
    events: list[IntegrationEvent] = [state_event(r, PersonRegistered) for r in registered]
    await record_events(session, source, [*events, *replies])
    return replies


def _refused(request: PersonRequested, refusal: Refusal) -> Reply:
    return PersonRequestRefused(
        request_id=request.request_id, code=refusal.code, reason=refusal.message
    )


def _accepted(request: PersonRequested, person_id: UUID, *, created: bool) -> Reply:
    return PersonRequestAccepted(
        request_id=request.request_id, person_id=person_id, created=created
    )
