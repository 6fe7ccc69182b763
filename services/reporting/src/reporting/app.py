"""The reporting service: read models, dashboards and exports for staff."""

from pathlib import Path

from fastapi import FastAPI
from kombel_events.topics import REPORTING_DIGESTS
from kombel_runtime.service import ConsumerSpec, ServiceDefinition, Worker, standalone_app

from reporting.api.active_rule import router as active_rule_router
from reporting.api.communities import router as communities_router
from reporting.api.community_summary import router as community_summary_router
from reporting.api.regions import router as regions_router
from reporting.api.trainings import router as trainings_router
from reporting.console.pages import router as console_router
from reporting.digest import weekly_digest_worker
from reporting.projections import COMMUNITIES
from reporting.projections.trainings import TRAININGS_PROJECTION
from reporting.settings import ReportingSettings
from reporting.weekly_standing import standing_worker

definition = ServiceDefinition(
    name="reporting",
    title="Kombel · Pelaporan (reporting)",
    description="Model baca, dasbor dan ekspor untuk staf yang memantau komunitas belajar.",
    settings_class=ReportingSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
    routers=[
        communities_router,
        community_summary_router,
        regions_router,
        active_rule_router,
        trainings_router,
    ],
    consumers=[
        ConsumerSpec("reporting.communities", COMMUNITIES.live()),
        ConsumerSpec("reporting.trainings", TRAININGS_PROJECTION.live()),
    ],
    projections=[COMMUNITIES, TRAININGS_PROJECTION],
    publishes=[REPORTING_DIGESTS],
    workers=[
        Worker("weekly-standing", standing_worker),
        Worker("weekly-digest", weekly_digest_worker()),
    ],
    pages=[console_router],
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory reporting.app:create_app`, set up from the environment."""
    return standalone_app(definition)
