"""The notifications service: confirmations, reminders, digests and the in-app inbox."""

from enum import StrEnum
from pathlib import Path
from typing import Self

from fastapi import FastAPI
from kombel_events.topics import NOTIFICATIONS_DELIVERIES
from kombel_runtime.service import ServiceDefinition, Worker, standalone_app
from kombel_runtime.settings import Environment, ServiceSettings
from pydantic import Field, SecretStr, model_validator

from notifications.api.dev import router as dev_router
from notifications.api.digests import router as digests_router
from notifications.api.inbox import router as inbox_router
from notifications.api.messages import router as messages_router
from notifications.api.plans import router as plans_router
from notifications.api.preferences import router as preferences_router
from notifications.api.templates import router as templates_router
from notifications.api.webhooks import router as webhooks_router
from notifications.consumers import consumer_specs
from notifications.dispatch import dispatch_worker
from notifications.followups import followup_worker
from notifications.planning import catch_up_worker
from notifications.rendering import renderer
from notifications.replicas import REPLICAS
from notifications.whatsapp_plan import limit_warning_worker

# Defaults for the embedded stack only; production settings refuse them.
_DEVELOPMENT_WEBHOOK_SECRET = "kombel-development-webhook-secret"  # noqa: S105
_DEVELOPMENT_UNSUBSCRIBE_SECRET = "kombel-development-unsubscribe-secret"  # noqa: S105


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
    webhook_secret: SecretStr = SecretStr(_DEVELOPMENT_WEBHOOK_SECRET)
    # Signs one-click unsubscribe links.
    unsubscribe_secret: SecretStr = SecretStr(_DEVELOPMENT_UNSUBSCRIBE_SECRET)
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
    # The pause before a retry doubles from the base up to the cap, with jitter.
    retry_base_s: float = Field(default=30.0, gt=0)
    retry_cap_s: float = Field(default=3600.0, gt=0)
    # The embedded default's local mail catcher and gateway recorder (no real sending).
    dev_outbox: bool = True
    dev_smtp_port: int = Field(default=0, ge=0, le=65535)  # 0: any free port
    dev_gateway_port: int = Field(default=0, ge=0, le=65535)

    @model_validator(mode="after")
    def _refuse_development_values(self) -> Self:
        if self.environment is Environment.PRODUCTION:
            if self.dev_outbox:
                raise ValueError("production sends for real: set KOMBEL_DEV_OUTBOX=false")
            if self.webhook_secret.get_secret_value() == _DEVELOPMENT_WEBHOOK_SECRET:
                raise ValueError("production needs its own KOMBEL_WEBHOOK_SECRET")
            if self.unsubscribe_secret.get_secret_value() == _DEVELOPMENT_UNSUBSCRIBE_SECRET:
                raise ValueError("production needs its own KOMBEL_UNSUBSCRIBE_SECRET")
        return self


definition = ServiceDefinition(
    name="notifications",
    title="Kombel · Notifikasi (notifications)",
    description=(
        "Konfirmasi, pengingat dalam waktu setempat, ringkasan; email, WhatsApp/SMS, kotak masuk."
    ),
    settings_class=NotificationsSettings,
    migrations=Path(__file__).parent / "db" / "migrations",
    routers=[
        inbox_router,
        preferences_router,
        messages_router,
        templates_router,
        webhooks_router,
        dev_router,
        plans_router,
        digests_router,
    ],
    publishes=[NOTIFICATIONS_DELIVERIES],
    consumers=consumer_specs(),
    replicas=REPLICAS,
    workers=[
        Worker("dispatch", dispatch_worker(renderer)),
        Worker("followups", followup_worker),
        Worker("catch-up", catch_up_worker),
        Worker("whatsapp-limit", limit_warning_worker),
    ],
    # Gateways post delivery statuses with the shared secret, not a token; the signed link in
    # every message works without signing in.
    public_paths=["/webhooks/{provider}", "/unsubscribe"],
)


def create_app() -> FastAPI:
    """The app for `uvicorn --factory notifications.app:create_app`, set up from the environment."""
    return standalone_app(definition)
