"""One service at run time: its settings, database, Redis, Kafka clients and background workers.

A service is declared with a `ServiceDefinition` (routers, migrations, consumers) and runs in a
role: `api` serves HTTP, `worker` runs the relay and consumers, `all` does both. Stopping drains
the workers: the relay finishes its batch and the consumers commit what they handled.
"""

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import redis.asyncio as redis
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi_offline import FastAPIOffline
from kombel_events import Topic
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.metrics import Observation
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kombel_runtime.auth import JwksSource, TokenVerifier
from kombel_runtime.backoff import backoff_delay, sleep_unless_stopped
from kombel_runtime.body_limits import UploadRoute
from kombel_runtime.consumer import ConsumerRunner, Subscription
from kombel_runtime.database import asyncpg_dsn, create_engine, session_factory
from kombel_runtime.edge import (
    DOCS_ASSETS_PATH,
    DOCS_OAUTH2_REDIRECT_PATH,
    DOCS_PATH,
    OPENAPI_PATH,
    install_edge,
)
from kombel_runtime.errors import install_error_handlers
from kombel_runtime.health import health_router
from kombel_runtime.kafka import ensure_topics, new_consumer, new_producer
from kombel_runtime.object_storage import ObjectStore, object_store
from kombel_runtime.projections import Projection
from kombel_runtime.relay import OutboxRelay
from kombel_runtime.replicas import Replica
from kombel_runtime.settings import ServiceRole, ServiceSettings
from kombel_runtime.telemetry import Telemetry, mask_request_url, setup_telemetry, trace_sql

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer group of a service and the events it follows."""

    name: str
    subscriptions: Sequence[Subscription]


@dataclass(frozen=True)
class Worker:
    name: str
    run: Callable[["ServiceRuntime", asyncio.Event], Awaitable[None]]


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    description: str
    settings_class: type[ServiceSettings]
    migrations: Path
    routers: Sequence[APIRouter] = ()
    publishes: Sequence[Topic] = ()
    consumers: Sequence[ConsumerSpec] = ()
    # Background work of the worker role besides relay and consumers (e.g. import jobs):
    # each runs supervised until the service stops.
    workers: Sequence["Worker"] = ()
    # Paths answered without a token, besides health and docs: route templates under the
    # service's prefix, e.g. "/certificates/{code}/verify".
    public_paths: Sequence[str] = ()
    # Routes that take files, with the largest file each accepts; every other route takes
    # bodies up to `max_body_bytes`.
    uploads: Sequence[UploadRoute] = ()
    # Tables kept from other services' events, each rebuildable with `kombel replay`.
    replicas: Sequence[Replica] = ()
    # Read models kept from events, each rebuildable with `kombel replay` and checked
    # against a recomputation with `kombel check`.
    projections: Sequence[Projection] = ()
    # Web pages served at the origin's root rather than under the service's prefix, each
    # router at its own top-level prefix (the staff console at `/console`), without a token:
    # the pages sign in in the browser and call the APIs with the token they get.
    pages: Sequence[APIRouter] = ()


@dataclass
class ServiceRuntime:
    definition: ServiceDefinition
    settings: ServiceSettings
    telemetry: Telemetry
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: "redis.Redis"
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    relay: OutboxRelay | None = None
    consumers: list[ConsumerRunner] = field(default_factory=list)
    outbox_lag: tuple[int, float] = (0, 0.0)
    _producer: AIOKafkaProducer | None = None
    _admin: AIOKafkaAdminClient | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _files: ObjectStore | None = None

    @property
    def files(self) -> ObjectStore:
        """The service's object store (uploaded files), opened on first use."""
        if self._files is None:
            self._files = object_store(self.settings, self.definition.name)
        return self._files

    @property
    def source(self) -> str:
        """The CloudEvents `source` of what this service publishes."""
        return f"/kombel/{self.definition.name}"

    @classmethod
    def create(cls, definition: ServiceDefinition, settings: ServiceSettings) -> "ServiceRuntime":
        telemetry = setup_telemetry(
            definition.name, settings.trace_exporter, settings.otlp_endpoint
        )
        engine = create_engine(settings.database_url)
        trace_sql(engine, telemetry.tracer)
        return cls(
            definition=definition,
            settings=settings,
            telemetry=telemetry,
            engine=engine,
            sessions=session_factory(engine),
            redis=redis.Redis.from_url(settings.redis_url, socket_timeout=5),
        )

    async def start(self) -> None:
        if self.settings.role is ServiceRole.API:
            return
        if self.settings.create_topics:
            await self._ensure_topics()
        self._producer = new_producer(self.settings, f"{self.definition.name}-relay")
        await self._retrying("kafka producer", self._producer.start)
        if self.definition.publishes:
            self.relay = OutboxRelay(
                engine=self.engine,
                listen_dsn=asyncpg_dsn(self.settings.database_url),
                producer=self._producer,
                tracer=self.telemetry.tracer,
                meter=self.telemetry.meter,
                batch_size=self.settings.relay_batch_size,
                poll_interval_s=self.settings.relay_poll_interval_s,
                retention_s=self.settings.outbox_retention_hours * 3600,
            )
            self._observe_outbox_lag()
            self._tasks.append(self._supervise("relay", self.relay.run))
        for spec in self.definition.consumers:
            self._tasks.append(self._supervise(spec.name, self._consumer_loop(spec)))
        for worker in self.definition.workers:
            self._tasks.append(self._supervise(worker.name, functools.partial(worker.run, self)))

    async def stop(self) -> None:
        self.stopping.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._producer is not None:
            await self._producer.stop()
        if self._admin is not None:
            await self._admin.close()
        await self.redis.aclose()
        if self._files is not None:
            await self._files.aclose()
        await self.engine.dispose()
        self.telemetry.shutdown()

    async def _ensure_topics(self) -> None:
        topics = list(self.definition.publishes)
        for spec in self.definition.consumers:
            for topic in ConsumerRunner.topics_of(spec.subscriptions):
                topics += [topic, topic.dead_letter(spec.name)]

        async def create() -> None:
            await ensure_topics(
                self.settings.kafka_bootstrap, topics, self.settings.kafka_replication_factor
            )

        await self._retrying("topic creation", create)

    def _consumer_loop(self, spec: ConsumerSpec) -> Callable[[asyncio.Event], Awaitable[None]]:
        async def loop(stopping: asyncio.Event) -> None:
            assert self._producer is not None
            topics = [t.name for t in ConsumerRunner.topics_of(spec.subscriptions)]
            consumer = new_consumer(self.settings, spec.name, topics)
            await consumer.start()
            runner = ConsumerRunner(
                name=spec.name,
                consumer=consumer,
                dead_letter_producer=self._producer,
                sessions=self.sessions,
                subscriptions=spec.subscriptions,
                tracer=self.telemetry.tracer,
                meter=self.telemetry.meter,
                max_attempts=self.settings.consumer_max_attempts,
                retry_base_s=self.settings.consumer_retry_base_s,
            )
            self.consumers.append(runner)
            try:
                await runner.run(stopping)
            finally:
                self.consumers.remove(runner)
                await consumer.stop()

        return loop

    def _supervise(
        self, name: str, work: Callable[[asyncio.Event], Awaitable[None]]
    ) -> asyncio.Task[None]:
        """Run a worker until the service stops, restarting it with backoff when it fails."""

        async def supervised() -> None:
            failures = 0
            while not self.stopping.is_set():
                try:
                    await work(self.stopping)
                    failures = 0
                except Exception as error:
                    failures += 1
                    delay = backoff_delay(failures, 0.5, cap_s=15.0)
                    log.warning(
                        "worker failed, restarting",
                        extra={
                            "worker": name,
                            "error_type": type(error).__name__,
                            "retry_in_s": round(delay, 2),
                        },
                    )
                    await sleep_unless_stopped(self.stopping, delay)

        return asyncio.create_task(supervised(), name=f"{self.definition.name}:{name}")

    async def _retrying(self, what: str, action: Callable[[], Awaitable[None]]) -> None:
        for attempt in range(1, 11):
            try:
                await action()
                return
            except Exception as error:
                if attempt == 10:
                    raise
                log.warning(
                    "start-up step failed, retrying",
                    extra={"step": what, "error_type": type(error).__name__},
                )
                await asyncio.sleep(backoff_delay(attempt, 0.5, cap_s=5.0))

    def _observe_outbox_lag(self) -> None:
        meter = self.telemetry.meter
        meter.create_observable_gauge(
            "kombel.outbox.pending",
            [lambda _: [Observation(self.outbox_lag[0])]],
            unit="{event}",
            description="Outbox rows not yet published",
        )
        meter.create_observable_gauge(
            "kombel.outbox.oldest_pending_age",
            [lambda _: [Observation(self.outbox_lag[1])]],
            unit="s",
            description="Age of the oldest unpublished outbox row",
        )

    @property
    def consuming(self) -> bool:
        """Whether every consumer of this service has joined its group and has partitions."""
        return len(self.consumers) == len(self.definition.consumers) and all(
            runner.assigned for runner in self.consumers
        )

    async def refresh_gauges(self) -> None:
        """Read the values the gauges report; called before each scrape of /metrics."""
        if self.relay is not None:
            self.outbox_lag = await self.relay.lag()

    async def kafka_reachable(self) -> None:
        if self._admin is None:
            self._admin = AIOKafkaAdminClient(
                bootstrap_servers=self.settings.kafka_bootstrap, request_timeout_ms=3000
            )
            await self._admin.start()
        await self._admin.list_topics()


def settle_heap() -> None:
    """Move what start-up built (modules, routes, schemas, clients) out of the collector's way.

    Those objects live as long as the service runs. Left in the oldest generation, every full
    collection walks them again; bulk work such as a 100,000-row import triggers dozens of full
    collections, and measured this way they cost a quarter of the import's time.
    """
    gc.collect()
    gc.freeze()
    # A young generation of 10,000 objects instead of 700: a bulk import allocates millions,
    # and the collector ran some 1,600 times per 100,000 rows (0.4 s less this way; each young
    # collection takes a few milliseconds at most).
    gc.set_threshold(10_000, 10, 10)


def create_service_app(definition: ServiceDefinition, settings: ServiceSettings) -> FastAPI:
    """The FastAPI app of one service; its routes all live under `/{service}`."""

    runtime = ServiceRuntime.create(definition, settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        settle_heap()
        try:
            yield
        finally:
            await runtime.stop()
            gc.unfreeze()  # what start-up built may now be collected, e.g. between test runs

    prefix = f"/{definition.name}"
    # The docs page serves Swagger UI from the package, not a CDN: offices on a closed or
    # slow network still get it.
    app = FastAPIOffline(
        title=definition.title,
        description=definition.description,
        version="0.1.0",
        docs_url=prefix + DOCS_PATH,
        redoc_url=None,
        openapi_url=prefix + OPENAPI_PATH,
        swagger_ui_oauth2_redirect_url=prefix + DOCS_OAUTH2_REDIRECT_PATH,
        static_url=prefix + DOCS_ASSETS_PATH,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.token_verifier = verifier = TokenVerifier(
        JwksSource(url=settings.auth_jwks_url, path=settings.auth_jwks_path),
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
    )
    install_error_handlers(app)
    install_edge(
        app,
        service=definition.name,
        settings=settings,
        client=runtime.redis,
        verifier=verifier,
        public_paths=definition.public_paths,
        uploads=definition.uploads,
        page_prefixes=[router.prefix for router in definition.pages],
    )
    app.include_router(health_router(), prefix=prefix)
    for router in definition.routers:
        app.include_router(router, prefix=prefix)
    for router in definition.pages:
        app.include_router(router, include_in_schema=False)
    # The gateway sends these top-level segments to this service too.
    app.state.page_segments = [router.prefix.strip("/") for router in definition.pages]
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=runtime.telemetry.tracer_provider,
        meter_provider=runtime.telemetry.meter_provider,
        excluded_urls=f"{prefix}/healthz,{prefix}/readyz,{prefix}/metrics",
        server_request_hook=mask_request_url,
        # One span per request, not three: the spans of each ASGI message sent and received
        # cost a cached answer more than the answer itself.
        exclude_spans=["receive", "send"],
    )
    return app


def standalone_app(definition: ServiceDefinition) -> FastAPI:
    """A service as its own process: settings from the environment, JSON logs to stderr."""
    from kombel_runtime.logs import configure_logging

    settings = definition.settings_class()  # type: ignore[call-arg]
    configure_logging(settings.log_json)
    return create_service_app(definition, settings)


async def current_runtime(request: Request) -> ServiceRuntime:
    # A coroutine: FastAPI would run a plain function in a worker thread, on every request.
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[ServiceRuntime, Depends(current_runtime)]


async def database_session(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    async with runtime.sessions() as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(database_session)]
