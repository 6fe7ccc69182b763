"""The activities service: community activities, attendance and trainings (bimtek)."""

from pathlib import Path

from fastapi import FastAPI
from kombel_events.topics import ACTIVITIES_ACTIVITIES
from kombel_runtime.body_limits import UploadRoute
from kombel_runtime.imports.settings import ImportSettings, upload_bytes
from kombel_runtime.imports.worker import import_worker
from kombel_runtime.service import ConsumerSpec, ServiceDefinition, Worker, standalone_app
from kombel_runtime.settings import ServiceSettings

from activities.api.activities import router as activities_router
from activities.api.imports import router as imports_router
from activities.consumers import membership_subscriptions
from activities.imports.importer import IMPORTER
from activities.replicas import REPLICAS


class ActivitiesSettings(ImportSettings):
    """Activities' own settings are its imports' (attendance lists) for now."""


def _evidence_bytes(settings: ServiceSettings) -> int:
    return settings.evidence_max_bytes


definition = ServiceDefinition(
    name="activities",
    title="Kombel · Kegiatan (activities)",
    description="Kegiatan komunitas sepanjang siklus belajar, kehadiran, dan bimtek.",
    settings_class=ActivitiesSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
    routers=[activities_router, imports_router],
    workers=[Worker("imports", import_worker(IMPORTER))],
    publishes=[ACTIVITIES_ACTIVITIES],
    consumers=[ConsumerSpec("activities.membership", membership_subscriptions())],
    replicas=REPLICAS,
    uploads=[
        UploadRoute("POST", "/activities/{activity_id}/evidence", _evidence_bytes),
        UploadRoute("POST", "/imports/{kind}", upload_bytes),
    ],
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory activities.app:create_app`, set up from the environment."""
    return standalone_app(definition)
