"""CloudEvents 1.0 in Kafka binary content mode.

The attributes ride in `ce_*` headers, the JSON payload is the record value, and the W3C trace
context rides beside them so a consumer's span continues the producer's trace.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"

Headers = Sequence[tuple[str, bytes]]


class EnvelopeError(ValueError):
    """A record that is not a CloudEvent this platform can read."""


@dataclass(frozen=True, slots=True)
class Envelope:
    id: UUID
    type: str
    source: str
    subject: str
    time: datetime
    data: bytes
    traceparent: str | None = None
    tracestate: str | None = None

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        headers = [
            ("ce_specversion", SPEC_VERSION.encode()),
            ("ce_id", str(self.id).encode()),
            ("ce_type", self.type.encode()),
            ("ce_source", self.source.encode()),
            ("ce_time", self.time.astimezone(UTC).isoformat().replace("+00:00", "Z").encode()),
            ("ce_subject", self.subject.encode()),
            ("content-type", CONTENT_TYPE.encode()),
        ]
        if self.traceparent:
            headers.append(("traceparent", self.traceparent.encode()))
        if self.tracestate:
            headers.append(("tracestate", self.tracestate.encode()))
        return headers

    @classmethod
    def from_kafka(cls, headers: Headers, value: bytes | None) -> "Envelope":
        found = {name: raw.decode("utf-8", "replace") for name, raw in headers if raw is not None}
        missing = [
            name
            for name in ("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time")
            if name not in found
        ]
        if missing:
            raise EnvelopeError(f"not a CloudEvent: missing headers {', '.join(missing)}")
        if found["ce_specversion"] != SPEC_VERSION:
            raise EnvelopeError(f"unsupported CloudEvents version {found['ce_specversion']}")
        if found.get("content-type", CONTENT_TYPE) != CONTENT_TYPE:
            raise EnvelopeError(f"unsupported content type {found['content-type']}")
        if value is None:
            raise EnvelopeError("a CloudEvent without data")
        try:
            event_id = UUID(found["ce_id"])
            time = datetime.fromisoformat(found["ce_time"])
        except ValueError as error:
            raise EnvelopeError(f"malformed ce_id or ce_time: {error}") from None
        return cls(
            id=event_id,
            type=found["ce_type"],
            source=found["ce_source"],
            subject=found.get("ce_subject", ""),
            time=time,
            data=value,
            traceparent=found.get("traceparent"),
            tracestate=found.get("tracestate"),
        )
