"""Spans leave the process without personal data: URLs, statements, exceptions and statuses."""

import asyncpg
import pytest
from kombel_runtime import telemetry as telemetry_module
from kombel_runtime.redaction import MASK
from kombel_runtime.settings import TraceExporter
from kombel_runtime.telemetry import RedactingSpanExporter, mask_request_url, setup_telemetry
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode
from sqlalchemy.exc import IntegrityError

NAME = "Rina Sitorus"


def unique_violation() -> IntegrityError:
    cause = asyncpg.exceptions.UniqueViolationError(
        'duplicate key value violates unique constraint "people_name_key"'
    )
    cause.detail = f"Key (name)=({NAME}) already exists."
    return IntegrityError("INSERT INTO people (name) VALUES ($1)", (NAME,), cause)


def test_request_spans_mask_urls_written_with_dots_brackets_and_double_encoding() -> None:
    tracer = TracerProvider().get_tracer("test")
    span = tracer.start_span(
        "GET",
        attributes={
            "url.full": "http://10.0.0.5:8000/people/0812.3456.7890?e=rina%252540x.id&n=5",
            "url.query": "phone=(0812)%203456%207890&q=Rina&n=5",
        },
    )
    mask_request_url(span, {})
    attributes = getattr(span, "attributes", {})
    assert attributes["url.full"] == f"http://10.0.0.5:8000/people/{MASK}?e={MASK}&n=5"
    assert attributes["url.query"] == f"phone={MASK}&q={MASK}&n=5"


def test_exported_spans_carry_no_value_of_a_database_error() -> None:
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(RedactingSpanExporter(exported)))
    error = unique_violation()
    with provider.get_tracer("test").start_as_current_span(
        "INSERT kombel",
        attributes={"db.query.text": "SELECT 1 WHERE email = 'rina@contoh.sch.id'"},
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))

    (finished,) = exported.get_finished_spans()
    (event,) = finished.events
    texts = [
        str(finished.attributes),
        str(event.attributes),
        str(finished.status.description),
    ]
    for text in texts:
        assert NAME not in text
        assert "rina@" not in text
    assert "people_name_key" in str(dict(event.attributes or {})["exception.message"])
    assert finished.status.status_code is StatusCode.ERROR
    assert finished.context == span.get_span_context()


def test_a_service_exports_its_spans_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    exported = InMemorySpanExporter()
    monkeypatch.setattr(telemetry_module, "ConsoleSpanExporter", lambda: exported)
    telemetry = setup_telemetry("test", TraceExporter.CONSOLE, "")
    with telemetry.tracer.start_as_current_span("consume") as span:
        span.record_exception(unique_violation())
    telemetry.shutdown()
    (finished,) = exported.get_finished_spans()
    assert NAME not in str(finished.events[0].attributes)
