"""Messages as their recipients read them: one Jinja2 template per rule and language, in the
recipient's language and zone, for the channel it goes out on.

A template (`templates/<rule>.<language>.j2`) fills four blocks of its layout: the email's
subject, HTML and plain text, and the short text WhatsApp, SMS and the inbox carry. The same
file is rendered once per part, with `part` naming it, so a layout stays one readable page. HTML
is rendered by an environment that escapes every value, the other parts by one that does not
(plain text would otherwise show `&amp;`). An undefined name fails the render instead of leaving
a blank in a message.

What a template reads is the *facts* of its rule (a training, a session, a meeting, an import:
raw values, instants in UTC) and what this module adds: the recipient, the links, the ticket.
Dates and hours are formatted in the template by the filters `date_and_time`, `long_date` and
`clock`, in the recipient's zone and language unless a zone is named (`clock(session.timezone)`).
"""

import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from kombel_events.notifications import Channel
from kombel_events.regions import TimeZone
from kombel_runtime import local_time
from kombel_runtime.local_time import Language
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.channels.base import Rendered, Renderer
from notifications.digests.readers import digest_reader
from notifications.domain.unsubscribe import unsubscribe_token
from notifications.services.message_facts import Recipient, facts_of, recipient_of

if TYPE_CHECKING:
    from notifications.app import NotificationsSettings

log = logging.getLogger(__name__)

TEMPLATE_FOLDER = Path(__file__).parent / "templates"

# Every rule's template, with what it says, for the staff who preview them.
TEMPLATES: dict[str, str] = {
    "registration_confirmed": "Pendaftaran bimtek terkonfirmasi, dengan tiket (kode QR)",
    "registration_waitlisted": "Sesi penuh: peserta masuk daftar tunggu, dengan urutannya",
    "registration_promoted": "Peserta dari daftar tunggu mendapat kursi, dengan tiket",
    "registration_cancelled": "Pendaftaran dibatalkan, dengan alasannya",
    "session_reminder_day_before": "Pengingat sesi bimtek sehari sebelumnya",
    "session_reminder_two_hours": "Pengingat sesi bimtek dua jam sebelumnya",
    "meeting_reminder_day_before": "Pengingat pertemuan komunitas sehari sebelumnya",
    "meeting_reminder_two_hours": "Pengingat pertemuan komunitas dua jam sebelumnya",
    "session_thanks": "Terima kasih bagi yang hadir, dengan tautan sertifikat",
    "session_no_show": "Catatan bagi peserta yang tidak tercatat hadir",
    "community_welcome": "Selamat datang di komunitas belajar",
    "import_finished": "Impor data selesai, dengan hasilnya (untuk pengunggah)",
    "weekly_digest": "Ringkasan mingguan komunitas yang berhenti aktif (untuk staf wilayah)",
}

# Rules whose message carries the seat's ticket (its QR inline in email).
TICKETED = frozenset(
    {
        "registration_confirmed",
        "registration_promoted",
        "session_reminder_day_before",
        "session_reminder_two_hours",
    }
)

TICKET_CID = "ticket-qr"


@dataclass(frozen=True)
class Links:
    """Where a message's links start, and the secret that signs its unsubscribe link."""

    public_base_url: str
    unsubscribe_secret: bytes

    @classmethod
    def of(cls, settings: "NotificationsSettings") -> "Links":
        return cls(
            settings.public_base_url.rstrip("/"),
            settings.unsubscribe_secret.get_secret_value().encode(),
        )

    def unsubscribe(self, person_id: UUID, channel: Channel) -> str:
        token = unsubscribe_token(self.unsubscribe_secret, person_id, channel)
        return f"{self.public_base_url}/notifications/unsubscribe?token={token}"

    def registration(self, registration_id: object, document: str) -> str:
        return f"{self.public_base_url}/activities/registrations/{registration_id}/{document}"

    def import_job(self, service: object, import_id: object) -> str:
        return f"{self.public_base_url}/{service}/imports/{import_id}"


class UnknownTemplate(LookupError):
    """No template has this name."""


def _instant(value: Any) -> datetime:
    # Facts hold datetimes; a preview's overrides may hold ISO text.
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(instant, datetime):
        raise ValueError("not an instant")
    return instant


def _zone(context: Context, zone: Any) -> TimeZone:
    return local_time.zone_of(zone) if zone else context["recipient"]["zone"]


@pass_context
def _date_and_time(context: Context, value: Any, zone: Any = None) -> str:
    return local_time.date_and_time(_instant(value), _zone(context, zone), context["language"])


@pass_context
def _long_date(context: Context, value: Any, zone: Any = None) -> str:
    return local_time.long_date(_instant(value), _zone(context, zone), context["language"])


@pass_context
def _clock(context: Context, value: Any, zone: Any = None) -> str:
    return local_time.clock(_instant(value), _zone(context, zone), context["language"])


def _environment(*, html: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_FOLDER),
        # Plain text must not be HTML-escaped; the HTML environment escapes everything.
        autoescape=html,  # noqa: S701
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.filters.update(date_and_time=_date_and_time, long_date=_long_date, clock=_clock)
    return environment


_HTML = _environment(html=True)
_TEXT = _environment(html=False)
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def _part(environment: Environment, name: str, context: Mapping[str, Any], part: str) -> str:
    language = Language(context["language"])
    rendered = environment.get_template(f"{name}.{language.value}.j2").render(context, part=part)
    return _BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("\n", rendered)).strip()


def render_template(
    name: str,
    channel: Channel,
    context: Mapping[str, Any],
    images: Mapping[str, bytes] | None = None,
) -> Rendered:
    """One rule's message for one channel from its full context (`template_context`): email
    has a subject, plain text and HTML; WhatsApp and SMS the short text; the inbox the short
    text under the email's subject."""
    if name not in TEMPLATES:
        raise UnknownTemplate(name)
    if channel is Channel.EMAIL:
        return Rendered(
            subject=_part(_TEXT, name, context, "subject"),
            text=_part(_TEXT, name, context, "text"),
            html=_part(_HTML, name, context, "html"),
            images=dict(images or {}),
        )
    subject = _part(_TEXT, name, context, "subject") if channel is Channel.INBOX else None
    return Rendered(subject=subject, text=_part(_TEXT, name, context, "short"))


def qr_png(text: str) -> bytes:
    """The QR code of a ticket as a PNG, large enough for a scanner to read off a phone."""
    buffer = io.BytesIO()
    segno.make(text, error="m", boost_error=False).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def template_context(
    name: str,
    facts: Mapping[str, Any],
    recipient: Recipient,
    channel: Channel,
    links: Links,
    person_id: UUID,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """What a template reads (the rule's facts, the recipient, the links) and the inline images
    of an email."""
    context: dict[str, Any] = {
        **facts,
        "channel": channel.value,
        "language": recipient.language,
        "recipient": {"name": recipient.name, "zone": recipient.zone},
        # The inbox is where people read everything: it has nothing to unsubscribe from.
        "unsubscribe_url": (
            None if channel is Channel.INBOX else links.unsubscribe(person_id, channel)
        ),
    }
    images: dict[str, bytes] = {}
    registration_id = facts.get("registration_id")
    if registration_id is not None:
        context["certificate_url"] = links.registration(registration_id, "certificate.pdf")
    if name in TICKETED and registration_id is not None:
        text = facts.get("ticket_text")
        with_image = channel is Channel.EMAIL and isinstance(text, str) and bool(text)
        context["ticket"] = {
            "text": text,
            "cid": TICKET_CID if with_image else None,
            "url": links.registration(registration_id, "ticket.svg"),
        }
        if with_image:
            images[TICKET_CID] = qr_png(str(text))
    job = facts.get("job")
    if isinstance(job, Mapping):
        context["job"] = {**job, "url": links.import_job(job.get("service"), job.get("import_id"))}
    return context, images


class MessageRenderer:
    """The dispatcher's `Renderer`: a `messages` row rendered at sending time from the replicas,
    in its recipient's language and zone; None when the recipient or what the message is about
    is gone (erased, cancelled, deleted)."""

    def __init__(self, settings: "NotificationsSettings") -> None:
        self._links = Links.of(settings)

    async def __call__(self, session: AsyncSession, message: Mapping[str, Any]) -> Rendered | None:
        name = message["rule"]
        if name not in TEMPLATES:
            log.warning("no template for the rule", extra={"rule": name})
            return None
        # A digest's reader is its subscription (staff need not be people of membership).
        reader_of = digest_reader if name == "weekly_digest" else recipient_of
        recipient = await reader_of(session, message["person_id"])
        if recipient is None:
            return None
        facts = await facts_of(session, message)
        if facts is None:
            return None
        channel = Channel(message["channel"])
        context, images = template_context(
            name, facts, recipient, channel, self._links, message["person_id"]
        )
        return render_template(name, channel, context, images)


def renderer(settings: "NotificationsSettings") -> Renderer:
    """The renderer the dispatcher calls, with the links of these settings."""
    return MessageRenderer(settings)
