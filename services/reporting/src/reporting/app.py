"""The reporting service: read models, dashboards and exports for staff."""

from pathlib import Path

from fastapi import FastAPI
from kombel_events.topics import REPORTING_DIGESTS
from kombel_runtime.service import ConsumerSpec, ServiceDefinition, Worker, standalone_app
from kombel_runtime.settings import ServiceSettings

from reporting.api.communities import router as communities_router
from reporting.digest import weekly_digest_worker
from reporting.projections.communities import SUBSCRIPTIONS as COMMUNITY_SUBSCRIPTIONS


class ReportingSettings(ServiceSettings):
    pass


definition = ServiceDefinition(
    name="reporting",
    title="Kombel · Pelaporan (reporting)",
    description="Model baca, dasbor dan ekspor untuk staf yang memantau komunitas belajar.",
    settings_class=ReportingSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
    routers=[communities_router],
    consumers=[ConsumerSpec("reporting.communities", COMMUNITY_SUBSCRIPTIONS)],
    publishes=[REPORTING_DIGESTS],
    workers=[Worker("weekly-digest", weekly_digest_worker())],
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory reporting.app:create_app`, set up from the environment."""
    return standalone_app(definition)
