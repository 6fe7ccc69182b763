"""OpenTelemetry for one service: traces to the configured exporter, metrics for /metrics.

Each service has its own providers (several services share one process in the embedded stack),
so spans carry the right `service.name`.
"""

from dataclasses import dataclass

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import Meter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.trace import Tracer
from prometheus_client import CollectorRegistry, generate_latest

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
            BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{otlp_endpoint}/v1/traces"))
        )
    elif exporter is TraceExporter.CONSOLE:
        tracer_provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    registry = CollectorRegistry()
    meter_provider = MeterProvider(
        resource=resource, metric_readers=[PrometheusMetricReader(registry=registry)]
    )
    return Telemetry(service, tracer_provider, meter_provider, registry)
