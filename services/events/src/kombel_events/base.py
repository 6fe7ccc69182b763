"""The base of every integration event and the registry of event types.

An event class names its CloudEvents type (with its version), the topic it travels on, and the
aggregate that keys it. Changes inside a version are additive, so readers ignore fields they do
not know; a breaking change is a new class with a new version suffix.
"""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from kombel_events.topics import Topic

_REGISTRY: dict[str, type["IntegrationEvent"]] = {}


class IntegrationEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    topic: ClassVar[Topic]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        event_type = cls.__dict__.get("event_type")
        if event_type is None:
            return
        if event_type in _REGISTRY:
            raise TypeError(f"event type {event_type} is declared twice")
        _REGISTRY[event_type] = cls

    def subject(self) -> str:
        """The id of the aggregate this event belongs to; it keys the Kafka record."""
        raise NotImplementedError

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()


def event_class(event_type: str) -> type[IntegrationEvent]:
    """The payload model of a registered event type; KeyError if the type is unknown."""
    return _REGISTRY[event_type]


def registered_event_types() -> dict[str, type[IntegrationEvent]]:
    return dict(_REGISTRY)
