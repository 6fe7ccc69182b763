"""The notifications service: confirmations, reminders, digests and the in-app inbox."""

from pathlib import Path

from fastapi import FastAPI
from kombel_runtime.service import ServiceDefinition, standalone_app
from kombel_runtime.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    pass


definition = ServiceDefinition(
    name="notifications",
    title="Kombel · Notifikasi (notifications)",
    description=(
        "Konfirmasi, pengingat dalam waktu setempat, ringkasan; email, WhatsApp/SMS, kotak masuk."
    ),
    settings_class=NotificationsSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory notifications.app:create_app`, set up from the environment."""
    return standalone_app(definition)
