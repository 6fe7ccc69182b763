"""Delivery statuses the gateways post back: `POST /notifications/webhooks/{provider}`.

No token: the gateway proves itself with the shared secret (`KOMBEL_WEBHOOK_SECRET`), in the
header `X-Kombel-Webhook-Secret` or the URL's `?secret=` (for gateways that let one set only
a URL); the Cloud API instead signs the body (`X-Hub-Signature-256`, HMAC-SHA256 with the
app secret, which is then the webhook secret). Every comparison takes constant time.

Statuses of messages we do not know are answered 200 and change nothing: a gateway retries
anything else, for days. The Cloud API's subscription check (`GET` with `hub.challenge`)
is answered when its verify token is the same secret.
"""

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, cast
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from kombel_runtime.errors import ApiError
from kombel_runtime.service import Runtime
from pydantic import BaseModel

from notifications.channels import sms_available
from notifications.channels.whatsapp import CLOUD, read_status_reports
from notifications.deliveries import apply_reports
from notifications.dev_outbox import dev_outbox_wanted

if TYPE_CHECKING:
    from notifications.app import NotificationsSettings

log = logging.getLogger(__name__)

router = APIRouter(tags=["notifikasi: status pengiriman"])

SECRET_HEADER = "x-kombel-webhook-secret"  # noqa: S105 (a header's name)
SIGNATURE_HEADER = "x-hub-signature-256"


class StatusProvider(StrEnum):
    FONNTE = "fonnte"
    WABLAS = "wablas"
    CLOUD = "cloud"


# 403, not 401: the path is public (no bearer token to ask for), and the platform keeps 401
# for a missing or invalid token.
_REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "Rahasia webhook tidak ada atau tidak cocok"}
}


class WebhookReceived(BaseModel):
    received: int
    applied: int


def _wrong_secret() -> ApiError:
    return ApiError(
        403,
        "webhook_secret_invalid",
        "Rahasia webhook tidak cocok. Periksa URL dan rahasia webhook di pengaturan gateway.",
    )


def _same(given: str | None, secret: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), secret.encode())


def verified(
    provider: StatusProvider, request: Request, query_secret: str | None, body: bytes, secret: str
) -> bool:
    if _same(request.headers.get(SECRET_HEADER), secret) or _same(query_secret, secret):
        return True
    signature = request.headers.get(SIGNATURE_HEADER)
    if provider is StatusProvider.CLOUD and signature is not None:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature.encode(), expected.encode())
    return False


def _payload(request: Request, body: bytes) -> Any:
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode("utf-8", "replace")))
    try:
        return json.loads(body)
    except ValueError:
        return None


def _settings(runtime: Runtime) -> "NotificationsSettings":
    return cast("NotificationsSettings", runtime.settings)


@router.post(
    "/webhooks/{provider}",
    response_model=WebhookReceived,
    responses=_REFUSED,
    summary="Status pengiriman dari gateway WhatsApp/SMS (Fonnte, Wablas, WhatsApp Cloud API)",
)
async def receive_statuses(
    provider: StatusProvider,
    request: Request,
    runtime: Runtime,
    secret: Annotated[
        str | None, Query(description="Rahasia webhook, bila tidak di header")
    ] = None,
) -> WebhookReceived:
    settings = _settings(runtime)
    body = await request.body()
    if not verified(provider, request, secret, body, settings.webhook_secret.get_secret_value()):
        raise _wrong_secret()
    payload = _payload(request, body)
    reports = read_status_reports(provider.value, payload, datetime.now(UTC))
    if payload is None:
        log.warning("webhook body unreadable", extra={"provider": provider.value})
    async with runtime.sessions() as session, session.begin():
        applied = await apply_reports(
            session,
            runtime.source,
            provider.value,
            reports,
            sms_available=sms_available(settings, dev_outbox_wanted(settings)),
        )
    return WebhookReceived(received=len(reports), applied=applied)


@router.get(
    "/webhooks/{provider}",
    response_class=PlainTextResponse,
    responses=_REFUSED,
    summary="Verifikasi langganan webhook WhatsApp Cloud API",
)
async def verify_subscription(
    provider: StatusProvider,
    runtime: Runtime,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=200)] = None,
) -> PlainTextResponse:
    secret = _settings(runtime).webhook_secret.get_secret_value()
    if provider.value != CLOUD or mode != "subscribe" or not _same(token, secret):
        raise _wrong_secret()
    return PlainTextResponse(challenge or "")
