"""The notifications service: confirmations, reminders, digests and the in-app inbox."""

from enum import StrEnum
from pathlib import Path

from fastapi import FastAPI
from kombel_events.topics import NOTIFICATIONS_DELIVERIES
from kombel_runtime.service import ServiceDefinition, standalone_app
from kombel_runtime.settings import ServiceSettings
from pydantic import Field, SecretStr

from notifications.api.inbox import router as inbox_router
from notifications.api.messages import router as messages_router
from notifications.api.preferences import router as preferences_router
from notifications.api.templates import router as templates_router


class WhatsAppProvider(StrEnum):
    FONNTE = "fonnte"
    WABLAS = "wablas"
    CLOUD = "cloud"  # the WhatsApp Cloud API (Meta)


class NotificationsSettings(ServiceSettings):
    """Channels, their pace, and the links in messages. Unset SMTP and gateway URLs in the
    embedded default start a local mail catcher and gateway recorder (the dev outbox)."""

    # smtp://user:password@host:port (STARTTLS when the server offers it) or smtps://…
    smtp_url: SecretStr | None = None
    smtp_from: str = "Kombel <no-reply@kombel.localhost>"
    whatsapp_url: str | None = None
    whatsapp_token: SecretStr | None = None
    whatsapp_provider: WhatsAppProvider = WhatsAppProvider.FONNTE
    # The Cloud API's sender; Fonnte and Wablas know it from the token.
    whatsapp_phone_number_id: str | None = None
    # SMS through the same kind of gateway; unset, WhatsApp falls over to email.
    sms_url: str | None = None
    sms_token: SecretStr | None = None
    # Delivery-status webhooks must carry this secret.
    webhook_secret: SecretStr = SecretStr("kombel-development-webhook-secret")
    # Signs one-click unsubscribe links.
    unsubscribe_secret: SecretStr = SecretStr("kombel-development-unsubscribe-secret")
    # The providers' pace, shared by every replica (a token bucket in Redis).
    email_rate_per_minute: int = Field(default=600, ge=1)
    whatsapp_rate_per_minute: int = Field(default=60, ge=1)
    sms_rate_per_minute: int = Field(default=60, ge=1)
    # What one WhatsApp account may send in a day (the planner warns before the day).
    whatsapp_daily_limit: int = Field(default=1000, ge=1)
    # Links in messages (certificate, unsubscribe) start here.
    public_base_url: str = "http://127.0.0.1:8000"
    # Attempts before a message fails for good (dead letter, with the reason).
    max_attempts: int = Field(default=8, ge=1, le=50)
    # The embedded default's local mail catcher and gateway recorder (no real sending).
    dev_outbox: bool = True
    dev_smtp_port: int = Field(default=0, ge=0, le=65535)  # 0: any free port
    dev_gateway_port: int = Field(default=0, ge=0, le=65535)


definition = ServiceDefinition(
    name="notifications",
    title="Kombel · Notifikasi (notifications)",
    description=(
        "Konfirmasi, pengingat dalam waktu setempat, ringkasan; email, WhatsApp/SMS, kotak masuk."
    ),
    settings_class=NotificationsSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
    routers=[inbox_router, preferences_router, messages_router, templates_router],
    publishes=[NOTIFICATIONS_DELIVERIES],
    # The signed link in every message works without signing in.
    public_paths=["/unsubscribe"],
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory notifications.app:create_app`, set up from the environment."""
    return standalone_app(definition)
