"""The reporting service: read models, dashboards and exports for staff."""

from pathlib import Path

from fastapi import FastAPI
from kombel_runtime.service import ConsumerSpec, ServiceDefinition, standalone_app

from reporting.api.communities import router as communities_router
from reporting.console.pages import router as console_router
from reporting.console.settings import ConsoleSettings
from reporting.projections.communities import SUBSCRIPTIONS as COMMUNITY_SUBSCRIPTIONS


class ReportingSettings(ConsoleSettings):
    pass


definition = ServiceDefinition(
    name="reporting",
    title="Kombel · Pelaporan (reporting)",
    description="Model baca, dasbor dan ekspor untuk staf yang memantau komunitas belajar.",
    settings_class=ReportingSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
    routers=[communities_router],
    pages=[console_router],
    consumers=[ConsumerSpec("reporting.communities", COMMUNITY_SUBSCRIPTIONS)],
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory reporting.app:create_app`, set up from the environment."""
    return standalone_app(definition)
