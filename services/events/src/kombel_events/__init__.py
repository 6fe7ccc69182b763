"""The published language of the Kombel platform.

Every event that crosses a service boundary is declared here, once: its type name and version,
its payload model, the topic it travels on and the aggregate that keys it. Services depend on
this package and never on each other.
"""

# Importing the modules of every publisher registers their event types.
from kombel_events import (
    activities,
    imports,
    membership,
    notifications,
    person_requests,
    reporting,
    trainings,
)
from kombel_events.base import IntegrationEvent, event_class, registered_event_types
from kombel_events.topics import ALL_TOPICS, Topic

__all__ = [
    "ALL_TOPICS",
    "IntegrationEvent",
    "Topic",
    "activities",
    "event_class",
    "imports",
    "membership",
    "notifications",
    "person_requests",
    "registered_event_types",
    "reporting",
    "trainings",
]
