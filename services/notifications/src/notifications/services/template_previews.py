"""Previews of the templates for the staff who word them: one rule's message rendered from sample
facts, in the language, zone and channel asked for, with any fact replaced.

The email's QR code is referred to by Content-ID in a sent message; a preview has no
attachments, so the picture is put inline as a data URI where the mail would show it.
"""

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from jinja2 import TemplateError
from kombel_events.notifications import Channel
from kombel_events.regions import TimeZone
from kombel_runtime.errors import Invalid, NotFound
from kombel_runtime.local_time import Language

from notifications.channels.base import Rendered
from notifications.rendering import TEMPLATES, Links, render_template, template_context
from notifications.services.message_facts import Recipient

SAMPLE_PERSON = UUID("00000000-0000-7000-8000-000000000001")
_REGISTRATION = "00000000-0000-7000-8000-000000000002"
_IMPORT = "00000000-0000-7000-8000-000000000003"
# A ticket's shape (162 base32 letters), signed by no one.
_SAMPLE_TICKET = base64.b32encode(bytes(range(101))).decode().rstrip("=")

_SESSION = {
    "code": "MDN-01",
    "venue": "Aula SMA Negeri 1 Medan",
    "place": "Kota Medan",
    "starts_at": datetime(2026, 12, 9, 1, 0, tzinfo=UTC),  # 08.00 WIB
    "ends_at": datetime(2026, 12, 9, 5, 0, tzinfo=UTC),
    "timezone": TimeZone.WIB,
}
_SEAT = {
    "registration_id": _REGISTRATION,
    "ticket_text": _SAMPLE_TICKET,
    "training": {
        "title": "Bimtek Penguatan Komunitas Belajar",
        "organiser": "BBGP Provinsi Sumatera Utara",
    },
    "session": _SESSION,
    "waitlist_position": 3,
    "reason": "Sesi dipindahkan ke gedung lain; silakan mendaftar ulang.",
}
_COMMUNITY = {"name": "KKG Gugus 7 Sidikalang", "place": "Kabupaten Dairi"}
_MEETING = {
    "community": _COMMUNITY,
    "meeting": {
        "title": "Refleksi pembelajaran berdiferensiasi",
        "starts_at": datetime(2026, 12, 10, 9, 0, tzinfo=UTC),  # 16.00 WIB
        "timezone": TimeZone.WIB,
    },
}
_JOB = {
    "job": {
        "import_id": _IMPORT,
        "service": "membership",
        "kind": "people",
        "status": "succeeded",
        "dry_run": False,
        "filename": "ptk-dairi.xlsx",
        "created": 1204,
        "updated": 37,
        "duplicates": 12,
        "rejected": 3,
    }
}
_DIGEST = {
    "digest": {
        "area_name": "Sumatera Utara",
        "area_kind": "province",
        "due_at": datetime(2026, 12, 7, 0, 0, tzinfo=UTC),  # Monday 07.00 WIB
        "communities": 412,
        "active": 287,
        "inactive": 125,
        "gone_quiet": 3,
        "quiet": [
            {
                "name": "KKG Gugus 7 Sidikalang",
                "place": "Kabupaten Dairi",
                "last_activity_at": datetime(2026, 10, 5, 2, 0, tzinfo=UTC),
            },
            {"name": "MGMP Matematika SMP Medan", "place": "Kota Medan", "last_activity_at": None},
        ],
        "unlisted": 1,
    }
}

SAMPLE_FACTS: dict[str, dict[str, Any]] = {
    **dict.fromkeys(
        (
            "registration_confirmed",
            "registration_waitlisted",
            "registration_promoted",
            "registration_cancelled",
            "session_reminder_day_before",
            "session_reminder_two_hours",
            "session_thanks",
            "session_no_show",
        ),
        _SEAT,
    ),
    "meeting_reminder_day_before": _MEETING,
    "meeting_reminder_two_hours": _MEETING,
    "community_welcome": {"community": _COMMUNITY},
    "import_finished": _JOB,
    "weekly_digest": _DIGEST,
}


@dataclass(frozen=True)
class PreviewRequest:
    channel: Channel = Channel.EMAIL
    language: Language = Language.INDONESIAN
    timezone: TimeZone = TimeZone.WIB
    name: str = "Rina Sitorus"
    overrides: Mapping[str, Any] = field(default_factory=dict)


class TemplateNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(
            "template_not_found",
            "Tidak ada templat dengan nama ini. Lihat daftar di GET /notifications/templates.",
        )


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `changes` laid over it, nested mappings merged key by key."""
    result = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def _inline_images(rendered: Rendered) -> str | None:
    html = rendered.html
    if html is None:
        return None
    for cid, picture in rendered.images.items():
        uri = "data:image/png;base64," + base64.b64encode(picture).decode()
        html = html.replace(f"cid:{cid}", uri)
    return html


def preview(name: str, request: PreviewRequest, links: Links) -> Rendered:
    """The rule's message from sample facts; an override that breaks it is refused with the
    template's complaint."""
    if name not in TEMPLATES:
        raise TemplateNotFound()
    facts = merged(SAMPLE_FACTS[name], request.overrides)
    recipient = Recipient(request.name, request.language, request.timezone)
    try:
        context, images = template_context(
            name, facts, recipient, request.channel, links, SAMPLE_PERSON
        )
        rendered = render_template(name, request.channel, context, images)
    except (TemplateError, ValueError, TypeError, AttributeError) as error:
        raise Invalid(
            "preview_failed",
            "Templat tidak dapat ditampilkan dengan data pengganti ini "
            f"({type(error).__name__}). Periksa nama dan jenis nilai di `overrides`.",
        ) from None
    return Rendered(rendered.subject, rendered.text, _inline_images(rendered), rendered.images)
