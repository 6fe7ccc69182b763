"""OpenTelemetry for one service: traces to the configured exporter, metrics for /metrics.

Each service has its own providers (several services share one process in the embedded stack),
so spans carry the right `service.name`. Spans leave the process masked as log lines are: an
exception event carries the error's message and traceback, which quote what the database
refused, and a failed request's status repeats the message.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import Meter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.util.types import Attributes
from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from kombel_runtime.redaction import redact, redact_query, redact_url
from kombel_runtime.settings import TraceExporter


@dataclass
class Telemetry:
    service: str
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    registry: CollectorRegistry

    @property
    def tracer(self) -> Tracer:
        return self.tracer_provider.get_tracer(f"kombel.{self.service}")

    @property
    def meter(self) -> Meter:
        return self.meter_provider.get_meter(f"kombel.{self.service}")

    def metrics_text(self) -> bytes:
        return generate_latest(self.registry)

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


def setup_telemetry(service: str, exporter: TraceExporter, otlp_endpoint: str) -> Telemetry:
    resource = Resource.create({"service.name": service, "service.namespace": "kombel"})
    tracer_provider = TracerProvider(resource=resource)
    if exporter is TraceExporter.OTLP:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        tracer_provider.add_span_processor(
            BatchSpanProcessor(
                RedactingSpanExporter(OTLPSpanExporter(endpoint=f"{otlp_endpoint}/v1/traces"))
            )
        )
    elif exporter is TraceExporter.CONSOLE:
        tracer_provider.add_span_processor(
            BatchSpanProcessor(RedactingSpanExporter(ConsoleSpanExporter()))
        )
    registry = CollectorRegistry()
    meter_provider = MeterProvider(
        resource=resource, metric_readers=[PrometheusMetricReader(registry=registry)]
    )
    return Telemetry(service, tracer_provider, meter_provider, registry)


class RedactingSpanExporter(SpanExporter):
    """Passes spans on with every text in their attributes, events and status redacted."""

    def __init__(self, exporter: SpanExporter) -> None:
        self._exporter = exporter

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._exporter.export([_redacted_span(span) for span in spans])

    def shutdown(self) -> None:
        self._exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._exporter.force_flush(timeout_millis)


def _redacted_span(span: ReadableSpan) -> ReadableSpan:
    """A copy of a finished span with its texts redacted (the SDK's spans are read-only)."""
    status = span.status
    if status.description:
        status = Status(status.status_code, redact(status.description))
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=_redacted_attributes(span.attributes),
        events=[
            Event(event.name, _redacted_attributes(event.attributes), event.timestamp)
            for event in span.events
        ],
        links=span.links,
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


def _redacted_attributes(attributes: Attributes) -> dict[str, Any]:
    return {key: _redacted_value(value) for key, value in (attributes or {}).items()}


def _redacted_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return tuple(_redacted_value(item) for item in value)
    if isinstance(value, Mapping):
        return {key: _redacted_value(item) for key, item in value.items()}
    return value


def trace_sql(engine: AsyncEngine, tracer: Tracer) -> None:
    """A client span for every statement, with its text but never its parameter values."""
    database = engine.url.database or ""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def start(
        _connection: Any,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        operation = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
        if context is not None:
            context._kombel_span = tracer.start_span(
                f"{operation} {database}",
                kind=SpanKind.CLIENT,
                attributes={
                    "db.system.name": "postgresql",
                    "db.namespace": database,
                    "db.operation.name": operation,
                    "db.query.text": statement[:2000],
                },
            )

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def end(
        _connection: Any,
        _cursor: Any,
        _statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        span = getattr(context, "_kombel_span", None)
        if span is not None:
            span.end()

    @event.listens_for(engine.sync_engine, "handle_error")
    def failed(exception_context: Any) -> None:
        span = getattr(exception_context.execution_context, "_kombel_span", None)
        if span is not None:
            span.set_status(StatusCode.ERROR, type(exception_context.original_exception).__name__)
            span.end()


_URL_ATTRIBUTES = ("http.url", "http.target", "url.full")


def mask_request_url(span: Span, _scope: dict[str, Any]) -> None:
    """A server span keeps the path and the plain filters, never a search's text or a contact
    written into the query string (the instrumentation records the whole URL)."""
    attributes = getattr(span, "attributes", None)
    if not span.is_recording() or not attributes:
        return
    for key in _URL_ATTRIBUTES:
        value = attributes.get(key)
        if isinstance(value, str):
            span.set_attribute(key, redact_url(value))
    query = attributes.get("url.query")
    if isinstance(query, str):
        span.set_attribute("url.query", redact_query(query))
