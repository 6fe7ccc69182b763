"""What notifications does with the events it follows: keeps its replicas, then plans, moves
or drops messages as the rule table says, in the same transaction as the replica's change
and the consumer's inbox row (a redelivered event finds its inbox row and does nothing).

The replica's handler runs first, so planning reads the state the event left. The
subscriptions are an explicit table (`EFFECTS`): an event either keeps a replica, or also has
an effect on messages here.
"""

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from kombel_events import IntegrationEvent, Topic
from kombel_events.activities import ActivityChanged, ActivityDeleted, ActivityLogged
from kombel_events.imports import ImportFinished
from kombel_events.membership import (
    CommunityArchived,
    MemberJoined,
    MemberLeft,
    PersonErased,
    PersonMerged,
    PersonRegistered,
    PersonUpdated,
)
from kombel_events.reporting import WeeklyDigestCompiled
from kombel_events.topics import (
    ACTIVITIES_ACTIVITIES,
    ACTIVITIES_TRAININGS,
    IMPORTS,
    MEMBERSHIP_COMMUNITIES,
    MEMBERSHIP_PEOPLE,
    REPORTING_DIGESTS,
)
from kombel_events.trainings import (
    ParticipantCancelled,
    ParticipantCheckedIn,
    ParticipantLinked,
    ParticipantPromoted,
    ParticipantRegistered,
    ParticipantWaitlisted,
    SessionCancelled,
    SessionChanged,
    TrainingCancelled,
)
from kombel_runtime.consumer import Handler, Received, Subscription
from kombel_runtime.parameters import one_of
from kombel_runtime.service import ConsumerSpec
from sqlalchemy.ext.asyncio import AsyncSession

from notifications import planning, rescheduling
from notifications.db.tables import registrations
from notifications.digests.planning import plan_digests
from notifications.followups import attended_late
from notifications.replicas import replica_handlers
from notifications.rules import (
    COMMUNITY_WELCOME,
    IMPORT_FINISHED,
    SESSION_REMINDERS,
    planned_by,
)

Effect = Callable[[AsyncSession, Sequence[Received[Any]], datetime], Awaitable[Any]]


def _registrations(received: Sequence[Received[Any]]) -> list[Any]:
    return [r.event.registration_id for r in received]


def _seats_of(
    event: type[IntegrationEvent], context: Callable[[Any], dict[str, Any]] | None = None
) -> Effect:
    """Plan what the rule table says an event about a registration plans."""
    rules = planned_by(event)

    async def effect(
        session: AsyncSession, received: Sequence[Received[Any]], now: datetime
    ) -> int:
        by_id = {r.event.registration_id: r.event for r in received}
        return await planning.plan_seats(
            session,
            one_of(registrations.c.id, by_id),
            rules,
            now,
            (lambda registration_id: context(by_id[registration_id])) if context else None,
        )

    return effect


_told_cancelled = _seats_of(
    ParticipantCancelled,
    lambda e: {"previous_status": e.previous_status.value, "reason": e.reason},
)


async def _cancelled(
    session: AsyncSession, received: Sequence[Received[Any]], now: datetime
) -> None:
    """What was still to come about the registration is dropped, and its person told."""
    await rescheduling.drop(
        session, "registration_id", _registrations(received), "registration_cancelled"
    )
    await _told_cancelled(session, received, now)


async def _session_moved(
    session: AsyncSession, received: Sequence[Received[Any]], now: datetime
) -> None:
    ids = [r.event.session_id for r in received]
    await rescheduling.move_sessions(session, ids, now)
    # Reminders that could not be planned before (their instant had passed) may fit now.
    await planning.plan_seats(
        session, one_of(registrations.c.session_id, ids), SESSION_REMINDERS, now
    )


async def _meeting_logged(
    session: AsyncSession, received: Sequence[Received[Any]], now: datetime
) -> None:
    ids = [r.event.activity_id for r in received]
    await rescheduling.move_meetings(session, ids, now)
    await planning.plan_meetings(session, planning.members_of(activity_ids=ids), now)


async def _joined(session: AsyncSession, received: Sequence[Received[Any]], now: datetime) -> None:
    members = [(r.event.community_id, r.event.person_id) for r in received]
    await planning.plan(
        session,
        [
            planning.at_once(
                COMMUNITY_WELCOME,
                person_id,
                now,
                {"community_id": str(community_id)},
                community_id=community_id,
            )
            for community_id, person_id in members
        ],
    )
    await planning.plan_meetings(session, planning.members_of(members=members), now)


async def _import_finished(
    session: AsyncSession, received: Sequence[Received[Any]], now: datetime
) -> None:
    await planning.plan(
        session,
        [
            planning.at_once(
                IMPORT_FINISHED,
                r.event.uploader_person_id,
                now,
                r.event.model_dump(mode="json", exclude={"uploader_person_id", "finished_at"}),
                import_id=r.event.import_id,
            )
            for r in received
            if r.event.uploader_person_id is not None
        ],
    )


EFFECTS: dict[type[IntegrationEvent], Effect] = {
    PersonRegistered: lambda s, r, now: planning.catch_up(s, now, [e.event.person_id for e in r]),
    PersonUpdated: lambda s, r, now: planning.catch_up(s, now, [e.event.person_id for e in r]),
    PersonMerged: lambda s, r, now: rescheduling.move_to_keeper(
        s, [(e.event.person_id, e.event.into_person_id) for e in r]
    ),
    TrainingCancelled: lambda s, r, now: rescheduling.drop(
        s, "training_id", [e.event.training_id for e in r], "training_cancelled"
    ),
    SessionChanged: _session_moved,
    SessionCancelled: lambda s, r, now: rescheduling.drop(
        s, "session_id", [e.event.session_id for e in r], "session_cancelled"
    ),
    ParticipantRegistered: _seats_of(ParticipantRegistered),
    ParticipantWaitlisted: _seats_of(
        ParticipantWaitlisted, lambda e: {"waitlist_position": e.waitlist_position}
    ),
    ParticipantPromoted: _seats_of(ParticipantPromoted),
    ParticipantLinked: _seats_of(ParticipantLinked),
    ParticipantCancelled: _cancelled,
    ParticipantCheckedIn: lambda s, r, now: attended_late(s, _registrations(r), now),
    CommunityArchived: lambda s, r, now: rescheduling.drop_meetings_of_communities(
        s, [e.event.community_id for e in r], "community_archived"
    ),
    MemberJoined: _joined,
    MemberLeft: lambda s, r, now: rescheduling.drop_meetings_of(
        s, [(e.event.community_id, e.event.person_id) for e in r], "member_left"
    ),
    ActivityLogged: _meeting_logged,
    ActivityChanged: _meeting_logged,
    ActivityDeleted: lambda s, r, now: rescheduling.drop(
        s, "activity_id", [e.event.activity_id for e in r], "meeting_deleted"
    ),
    ImportFinished: _import_finished,
    WeeklyDigestCompiled: plan_digests,
}


def _then(keep: Sequence[Handler], effect: Effect | None) -> Handler:
    async def handle(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
        for handler in keep:
            await handler(session, received)
        if effect is not None:
            await effect(session, received, datetime.now(UTC))

    return handle


def _erasure(keep: Sequence[Handler]) -> Handler:
    """The contact's tombstone, and the person's messages cancelled and wiped; the addresses
    are read before the tombstone wipes them, to clear what the dev outbox caught."""

    async def handle(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
        people = [r.event.person_id for r in received]
        addresses = await rescheduling.addresses_of(session, people)
        for handler in keep:
            await handler(session, received)
        await rescheduling.forget_messages(session, people, addresses)

    return handle


def subscriptions(*topics: Topic) -> list[Subscription]:
    """The live subscriptions to the events of these topics: replicas kept, then effects."""
    keeping = replica_handlers()
    events: list[type[IntegrationEvent]] = [*keeping, *EFFECTS]
    names = {topic.name for topic in topics}
    found: dict[type[IntegrationEvent], Subscription] = {}
    for event in events:
        if event.topic.name not in names or event in found:
            continue
        keep = keeping.get(event, [])
        handler = _erasure(keep) if event is PersonErased else _then(keep, EFFECTS.get(event))
        found[event] = Subscription(event, handler)
    return list(found.values())


def consumer_specs() -> list[ConsumerSpec]:
    """One consumer group per source: membership's people and communities, activities'
    trainings and meetings, finished imports, and reporting's digests, so a burst of one does
    not wait on another."""
    return [
        ConsumerSpec(
            "notifications.membership", subscriptions(MEMBERSHIP_PEOPLE, MEMBERSHIP_COMMUNITIES)
        ),
        ConsumerSpec(
            "notifications.activities", subscriptions(ACTIVITIES_TRAININGS, ACTIVITIES_ACTIVITIES)
        ),
        ConsumerSpec("notifications.imports", subscriptions(IMPORTS)),
        ConsumerSpec("notifications.reporting", subscriptions(REPORTING_DIGESTS)),
    ]
