from datetime import UTC, datetime
from uuid import uuid4

import pytest
from kombel_runtime.envelope import Envelope, EnvelopeError


def sample() -> Envelope:
    return Envelope(
        id=uuid4(),
        type="kombel.membership.community.registered.v1",
        source="/kombel/membership",
        subject="0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b",
        time=datetime(2026, 5, 25, 1, 30, tzinfo=UTC),
        data=b'{"x": 1}',
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )


def test_binary_mode_headers_round_trip() -> None:
    envelope = sample()
    headers = envelope.kafka_headers()
    assert dict(headers)["ce_specversion"] == b"1.0"
    assert dict(headers)["content-type"] == b"application/json"
    assert dict(headers)["ce_time"] == b"2026-05-25T01:30:00Z"
    assert Envelope.from_kafka(headers, envelope.data) == envelope


def test_a_record_without_cloudevents_headers_is_refused() -> None:
    with pytest.raises(EnvelopeError, match="missing headers ce_specversion"):
        Envelope.from_kafka([("x", b"y")], b"{}")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ce_specversion", b"0.3", "unsupported CloudEvents version"),
        ("content-type", b"application/avro", "unsupported content type"),
        ("ce_id", b"not-a-uuid", "malformed ce_id"),
    ],
)
def test_malformed_attributes_are_refused(name: str, value: bytes, message: str) -> None:
    headers = [(k, value if k == name else v) for k, v in sample().kafka_headers()]
    with pytest.raises(EnvelopeError, match=message):
        Envelope.from_kafka(headers, b"{}")
