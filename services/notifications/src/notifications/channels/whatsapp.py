"""WhatsApp and SMS through the HTTP gateways offices use, one adapter with a profile per
provider, and the status reports those gateways post back (webhooks).

Profiles (each gateway's documented request and answer):
- Fonnte (default): `POST {url}/send`, header `Authorization: <token>`, form `target`,
  `message` (`countryCode=0`: numbers go out whole, as digits of E.164); the answer is JSON,
  `status` true with an `id` list, or false with a `reason` ("target invalid" for a number
  it will not take). Fonnte answers HTTP 200 either way. Later statuses come to its
  "webhook status" as JSON `id`, `status` (sent, pending, invalid, expired, …) and `state`
  (sent, delivered, read). Source: docs.fonnte.com (api-send-message, webhook update status).
- Wablas: `POST {url}/api/send-message`, header `Authorization: <token>` (`token.secret`
  where the account has a secret key), form `phone`, `message`; JSON `status` with
  `data.messages[].id`, or false with a `message`.
- WhatsApp Cloud API: `POST {url}/{phone_number_id}/messages`, `Authorization: Bearer`,
  JSON `{"messaging_product": "whatsapp", "to", "type": "text", "text": {"body"}}`; the
  answer carries `messages[0].id` (wamid…) or `error.code`. 131026 (undeliverable: not on
  WhatsApp) and 131047 (outside the 24-hour window, where free text is not allowed) refuse
  the number for good; 130429/131056 and 5xx are worth another try. Statuses come as
  `entry[].changes[].value.statuses[]` with `id`, `status`, `timestamp`, `errors`.
  Source: developers.facebook.com/docs/whatsapp/cloud-api (messages, webhooks, error codes).

SMS uses the same adapter with the Fonnte profile (`sms_url`, `sms_token`).

Across profiles: timeouts, connection failures, 5xx and 429 (with `Retry-After`) are
`Transient`; a refused number is `Permanent`; a refused token (401/403) or a wrong URL (404)
is `Transient`, so messages wait in the queue for the setting to be fixed and end in the dead
letter with the reason if it is not. Reasons keep the provider's words, masked, never the
number.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from kombel_events.notifications import Channel, DeliveryStatus
from kombel_runtime.redaction import redact

from notifications.channels.base import Accepted, Outgoing, Permanent, Transient

FONNTE, WABLAS, CLOUD = "fonnte", "wablas", "cloud"
PROVIDERS = (FONNTE, WABLAS, CLOUD)

_NON_DIGITS = re.compile(r"\D")
# Words in a gateway's refusal that say the number itself is refused.
_NUMBER_WORDS = ("target", "number", "phone", "nomor", "recipient")
_REFUSAL_WORDS = ("invalid", "not registered", "unregistered", "not exist", "tidak", "not valid")
# Cloud API codes that refuse the recipient for good.
_CLOUD_REFUSED = frozenset({131026, 131030, 131047, 131021, 131051, 100})


def digits(phone: str) -> str:
    """An E.164 number as gateways take it: digits only (`+6281…` → `6281…`)."""
    return _NON_DIGITS.sub("", phone)


def endpoint(base: str, path: str) -> str:
    """`base` with the profile's path, unless the setting already names the whole endpoint."""
    base = base.rstrip("/")
    return base if base.endswith(path) else base + path


def _reason(provider: str, text: object) -> str:
    return redact(f"{provider}: {text}")[:200]


def _refuses_number(text: str) -> bool:
    lowered = text.lower()
    return any(w in lowered for w in _NUMBER_WORDS) and any(w in lowered for w in _REFUSAL_WORDS)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class Profile(Protocol):
    name: str

    def request(self, to: str, text: str) -> tuple[str, dict[str, Any]]: ...

    def answer(self, response: httpx.Response) -> Accepted: ...


def _json(response: httpx.Response, provider: str) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        raise Transient(_reason(provider, f"unreadable answer {response.status_code}")) from None


def _common(response: httpx.Response, provider: str) -> None:
    """What every gateway's HTTP status says before its body is read."""
    status = response.status_code
    if status == 429:
        raise Transient(_reason(provider, "rate limited (429)"), _retry_after(response))
    if status >= 500:
        raise Transient(_reason(provider, f"gateway error {status}"), _retry_after(response))
    if status in (401, 403, 404) or 300 <= status < 400:
        raise Transient(_reason(provider, f"gateway refused the request {status}"))


class _FormGateway:
    """A gateway taking a form with the token in `Authorization` (Fonnte, Wablas)."""

    name: str
    path: str
    number_field: str
    extra: tuple[tuple[str, str], ...] = ()

    def __init__(self, url: str, token: str) -> None:
        self._url = endpoint(url, self.path)
        self._token = token

    def request(self, to: str, text: str) -> tuple[str, dict[str, Any]]:
        form = {self.number_field: digits(to), "message": text, **dict(self.extra)}
        return self._url, {"data": form, "headers": {"Authorization": self._token}}

    def _body(self, response: httpx.Response) -> dict[str, Any]:
        _common(response, self.name)
        body = _json(response, self.name)
        if not isinstance(body, dict):
            raise Transient(_reason(self.name, "unreadable answer"))
        return body

    def _refused(self, reason: str, for_good: bool) -> Exception:
        if for_good or _refuses_number(reason):
            return Permanent(_reason(self.name, reason))
        return Transient(_reason(self.name, reason))


class Fonnte(_FormGateway):
    name = FONNTE
    path = "/send"
    number_field = "target"
    extra = (("countryCode", "0"),)  # numbers go out whole: no 0 → 62 rewriting

    def answer(self, response: httpx.Response) -> Accepted:
        body = self._body(response)
        if body.get("status") is True:
            ids = body.get("id")
            first = ids[0] if isinstance(ids, list) and ids else ids
            return Accepted(self.name, str(first) if first is not None else None)
        reason = str(body.get("reason") or body.get("detail") or "refused")
        raise self._refused(reason, for_good=False)


class Wablas(_FormGateway):
    name = WABLAS
    path = "/api/send-message"
    number_field = "phone"

    def answer(self, response: httpx.Response) -> Accepted:
        body = self._body(response)
        if body.get("status") is True:
            data = body.get("data") or {}
            messages = data.get("messages") if isinstance(data, dict) else None
            first = messages[0] if isinstance(messages, list) and messages else data
            found = first.get("id") if isinstance(first, dict) else None
            return Accepted(self.name, str(found) if found is not None else None)
        reason = str(body.get("message") or "refused")
        raise self._refused(reason, for_good=response.status_code in (400, 422))


class Cloud:
    name = CLOUD

    def __init__(self, url: str, token: str, phone_number_id: str) -> None:
        self._url = endpoint(url, f"/{phone_number_id}/messages")
        self._token = token

    def request(self, to: str, text: str) -> tuple[str, dict[str, Any]]:
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": digits(to),
            "type": "text",
            "text": {"preview_url": False, "body": text},
        }
        return self._url, {"json": body, "headers": {"Authorization": f"Bearer {self._token}"}}

    def answer(self, response: httpx.Response) -> Accepted:
        if response.is_success:
            body = _json(response, self.name)
            messages = body.get("messages") if isinstance(body, dict) else None
            first = messages[0] if isinstance(messages, list) and messages else {}
            found = first.get("id") if isinstance(first, dict) else None
            return Accepted(self.name, str(found) if found is not None else None)
        code = _cloud_error_code(response)
        if code in _CLOUD_REFUSED and response.status_code < 500:
            raise Permanent(_reason(self.name, f"error {code}"))
        _common(response, self.name)
        if code is not None and code >= 130000:
            # Throughput and pair limits (130429, 131056, 131048) and server faults.
            raise Transient(_reason(self.name, f"error {code}"), _retry_after(response))
        raise Permanent(_reason(self.name, f"error {code} ({response.status_code})"))


def _cloud_error_code(response: httpx.Response) -> int | None:
    try:
        error = response.json().get("error") or {}
        return int(str(error.get("code")))
    except (ValueError, TypeError, AttributeError):
        return None


class GatewaySender:
    """One channel (WhatsApp or SMS) through one gateway profile."""

    def __init__(self, channel: Channel, profile: Profile, *, timeout_s: float = 15.0) -> None:
        self.channel = channel
        self.provider = profile.name
        self._profile = profile
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s), limits=httpx.Limits(max_connections=16)
        )

    async def send(self, message: Outgoing) -> Accepted:
        url, request = self._profile.request(message.address, message.text)
        try:
            response = await self._client.post(url, **request)
        except httpx.TimeoutException:
            raise Transient(_reason(self.provider, "timeout")) from None
        except httpx.HTTPError as error:
            raise Transient(_reason(self.provider, f"unreachable {type(error).__name__}")) from None
        return self._profile.answer(response)

    async def close(self) -> None:
        await self._client.aclose()


def gateway_profile(
    provider: str, url: str, token: str, phone_number_id: str | None = None
) -> Profile:
    if provider == WABLAS:
        return Wablas(url, token)
    if provider == CLOUD:
        if not phone_number_id:
            raise ValueError("the WhatsApp Cloud API needs KOMBEL_WHATSAPP_PHONE_NUMBER_ID")
        return Cloud(url, token, phone_number_id)
    return Fonnte(url, token)


# Status reports (webhooks)


@dataclass(frozen=True)
class StatusReport:
    """One provider status of one message, as its webhook reported it."""

    provider_message_id: str
    status: DeliveryStatus
    at: datetime
    detail: str | None = None


_FONNTE_STATES = {
    "read": DeliveryStatus.READ,
    "played": DeliveryStatus.READ,
    "delivered": DeliveryStatus.DELIVERED,
    "received": DeliveryStatus.DELIVERED,
    "sent": DeliveryStatus.SENT,
    "server": DeliveryStatus.SENT,
}
_FONNTE_STATUSES = {
    "sent": DeliveryStatus.SENT,
    "pending": DeliveryStatus.QUEUED,
    "waiting": DeliveryStatus.QUEUED,
    "processing": DeliveryStatus.QUEUED,
    "invalid": DeliveryStatus.FAILED,
    "expired": DeliveryStatus.FAILED,
    "failed": DeliveryStatus.FAILED,
    "url unreachable": DeliveryStatus.FAILED,
}
_WABLAS_STATUSES = {
    "pending": DeliveryStatus.QUEUED,
    "queue": DeliveryStatus.QUEUED,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "received": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
    "played": DeliveryStatus.READ,
    "failed": DeliveryStatus.FAILED,
    "cancel": DeliveryStatus.FAILED,
    "rejected": DeliveryStatus.FAILED,
    "reject": DeliveryStatus.FAILED,
    "invalid": DeliveryStatus.FAILED,
}
_CLOUD_STATUSES = {
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
    "failed": DeliveryStatus.FAILED,
}


def _text(value: object) -> str:
    return str(value or "").strip().lower()


def _fonnte_reports(item: Mapping[str, Any], now: datetime) -> list[StatusReport]:
    status = _FONNTE_STATUSES.get(_text(item.get("status")))
    state = _FONNTE_STATES.get(_text(item.get("state")))
    found = status if status is DeliveryStatus.FAILED else (state or status)
    if found is None or item.get("id") in (None, ""):
        return []
    detail = _reason(FONNTE, _text(item.get("status"))) if found is DeliveryStatus.FAILED else None
    return [StatusReport(str(item["id"]), found, now, detail)]


def _wablas_reports(item: Mapping[str, Any], now: datetime) -> list[StatusReport]:
    found = _WABLAS_STATUSES.get(_text(item.get("status")))
    if found is None or item.get("id") in (None, ""):
        return []
    detail = _reason(WABLAS, _text(item.get("status"))) if found is DeliveryStatus.FAILED else None
    return [StatusReport(str(item["id"]), found, now, detail)]


def _cloud_reports(payload: Mapping[str, Any], now: datetime) -> list[StatusReport]:
    reports = []
    for entry in payload.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            for item in ((change or {}).get("value") or {}).get("statuses") or []:
                found = _CLOUD_STATUSES.get(_text(item.get("status")))
                if found is None or not item.get("id"):
                    continue
                try:
                    at = datetime.fromtimestamp(int(str(item.get("timestamp"))), UTC)
                except (TypeError, ValueError, OverflowError, OSError):
                    at = now
                codes = [str(e.get("code")) for e in item.get("errors") or [] if e]
                detail = _reason(CLOUD, f"error {', '.join(codes)}") if codes else None
                reports.append(StatusReport(str(item["id"]), found, at, detail))
    return reports


def read_status_reports(provider: str, payload: Any, now: datetime) -> list[StatusReport]:
    """The statuses a provider's webhook body reports; what it does not say is left out
    (an incoming chat on the same URL, an unknown status)."""
    if isinstance(payload, str | bytes):
        try:
            payload = json.loads(payload)
        except ValueError:
            return []
    if provider == CLOUD:
        return _cloud_reports(payload, now) if isinstance(payload, Mapping) else []
    items = payload if isinstance(payload, list) else [payload]
    if isinstance(payload, Mapping) and isinstance(payload.get("data"), list):
        items = payload["data"]
    read = _fonnte_reports if provider == FONNTE else _wablas_reports
    return [r for item in items if isinstance(item, Mapping) for r in read(item, now)]
