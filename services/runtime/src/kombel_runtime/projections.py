"""Projections: read models built from events, in one or more tables of their own.

A projection names its live tables and gives its subscriptions for a mapping of those names
to the tables to write, so the same handlers fill the live tables (through the service's
consumer, with its inbox) and a fresh set when the projection is rebuilt or checked against
a recomputation from the topics.

Its handlers must be idempotent under replay: each source row keeps the id of the last event
applied to it (`version`, a UUIDv7), and a count kept beside the rows changes only by what a
statement actually changed. A replay from the beginning then leaves every table as it was.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kombel_events import Topic

from kombel_runtime.consumer import Subscription

# {live table name: the table to write}; the identity for the live consumer.
TableNames = Mapping[str, str]


@dataclass(frozen=True)
class Projection:
    name: str
    tables: tuple[str, ...]
    subscriptions: Callable[[TableNames], Sequence[Subscription]]

    def live(self) -> Sequence[Subscription]:
        """The subscriptions that keep the live tables."""
        return self.subscriptions({table: table for table in self.tables})

    def topics(self) -> list[Topic]:
        found = {s.event.topic.name: s.event.topic for s in self.live()}
        return list(found.values())
