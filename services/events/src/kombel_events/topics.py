"""Topics of the platform, declared once: name, partitions and retention or compaction.

One topic per aggregate stream; the key is the aggregate whose order matters. Services create
missing topics from this list at start-up, and so do the compose and Kubernetes set-ups.
"""

from dataclasses import dataclass, field

DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int = 12
    retention_ms: int | None = 30 * DAY_MS
    compacted: bool = False
    extra_config: dict[str, str] = field(default_factory=dict)

    def config(self) -> dict[str, str]:
        config = dict(self.extra_config)
        if self.compacted:
            config["cleanup.policy"] = "compact"
        if self.retention_ms is not None:
            config["retention.ms"] = str(self.retention_ms)
        return config

    def dead_letter(self, consumer: str) -> "Topic":
        """The dead-letter topic of one consumer group for this topic.

        Per consumer so that replaying a dead letter reaches only the consumer that failed it.
        """
        return Topic(name=f"{self.name}.dlt.{consumer}", partitions=1, retention_ms=90 * DAY_MS)


MEMBERSHIP_COMMUNITIES = Topic("kombel.membership.communities")
MEMBERSHIP_SCHOOLS = Topic("kombel.membership.schools")
# People's events carry contact data: kept 30 days like the rest, and an erasure event tells
# every replica to forget a person.
MEMBERSHIP_PEOPLE = Topic("kombel.membership.people")

# A community's activities, keyed by the community: its log keeps its order.
ACTIVITIES_ACTIVITIES = Topic("kombel.activities.activities")

# A training (bimtek), its sessions and its participants, keyed by the training: a
# participant's registration, promotion and check-in keep their order.
ACTIVITIES_TRAININGS = Topic("kombel.activities.trainings")

# The registration saga: activities asks membership, which alone writes people, for the person
# of a roster row it does not know; membership answers on its replies topic. Keyed by the
# request (the registration).
MEMBERSHIP_PERSON_REQUESTS = Topic("kombel.membership.person-requests")
MEMBERSHIP_PERSON_REPLIES = Topic("kombel.membership.person-replies")

# What became of each message notifications sent (queued, sent, delivered, read, failed),
# keyed by the message.
NOTIFICATIONS_DELIVERIES = Topic("kombel.notifications.deliveries")

# A bulk import (people, a roster, an attendance list) finished, for its uploader; keyed by
# the import.
IMPORTS = Topic("kombel.imports")

# Report-ready facts of reporting (the weekly digest of quiet communities), keyed by the area.
REPORTING_DIGESTS = Topic("kombel.reporting.digests", partitions=4)

ALL_TOPICS: tuple[Topic, ...] = (
    MEMBERSHIP_COMMUNITIES,
    MEMBERSHIP_SCHOOLS,
    MEMBERSHIP_PEOPLE,
    ACTIVITIES_ACTIVITIES,
    ACTIVITIES_TRAININGS,
    MEMBERSHIP_PERSON_REQUESTS,
    MEMBERSHIP_PERSON_REPLIES,
    NOTIFICATIONS_DELIVERIES,
    IMPORTS,
    REPORTING_DIGESTS,
)
