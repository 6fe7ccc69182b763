"""Every template in both languages and on every channel, and what each message must carry:
the unsubscribe link outside the inbox, the ticket's QR in email, values escaped in HTML."""

import io
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest
import segno
from kombel_events.notifications import Channel
from kombel_events.regions import TimeZone
from kombel_runtime.local_time import Language
from notifications.channels.base import Rendered
from notifications.domain.unsubscribe import read_unsubscribe_token
from notifications.rendering import (
    TEMPLATE_FOLDER,
    TEMPLATES,
    TICKET_CID,
    Links,
    render_template,
    template_context,
)
from notifications.services.message_facts import Recipient
from notifications.services.template_previews import (
    SAMPLE_FACTS,
    SAMPLE_PERSON,
    PreviewRequest,
    merged,
    preview,
)
from PIL import Image

SECRET = b"test-unsubscribe-secret"
LINKS = Links("https://kombel.example.id", SECRET)


def rendered(
    name: str,
    channel: Channel,
    language: Language = Language.INDONESIAN,
    zone: TimeZone = TimeZone.WIB,
    person_id: UUID = SAMPLE_PERSON,
    **overrides: object,
) -> Rendered:
    facts = merged(SAMPLE_FACTS[name], overrides)
    context, images = template_context(
        name, facts, Recipient("Rina Sitorus", language, zone), channel, LINKS, person_id
    )
    return render_template(name, channel, context, images)


def qr_modules(png: bytes) -> list[list[bool]]:
    """The dark and light modules of a QR picture (6 pixels a module, 4 modules of margin)."""
    picture = Image.open(io.BytesIO(png)).convert("L")
    size = picture.width // 6 - 8
    return [
        [picture.getpixel(((col + 4) * 6 + 3, (row + 4) * 6 + 3)) == 0 for col in range(size)]
        for row in range(size)
    ]


def expected_modules(text: str) -> list[list[bool]]:
    return [[bool(m) for m in row] for row in segno.make(text, error="m", boost_error=False).matrix]


def test_every_rule_has_a_template_in_indonesian_and_english_and_sample_facts() -> None:
    files = {path.name for path in TEMPLATE_FOLDER.glob("*.j2") if not path.name.startswith("_")}
    assert files == {f"{name}.{lang}.j2" for name in TEMPLATES for lang in ("id", "en")}
    assert set(SAMPLE_FACTS) == set(TEMPLATES)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
@pytest.mark.parametrize("language", list(Language))
def test_each_template_renders_on_every_channel(name: str, language: Language) -> None:
    email = rendered(name, Channel.EMAIL, language)
    assert email.subject
    assert "\n" not in email.subject
    assert email.html is not None
    assert email.html.startswith("<!doctype html>")
    assert f'<html lang="{language.value}">' in email.html
    assert email.text.startswith(
        "Yth. Rina Sitorus," if language is Language.INDONESIAN else "Dear"
    )
    for channel in (Channel.WHATSAPP, Channel.SMS):
        short = rendered(name, channel, language)
        assert (short.subject, short.html) == (None, None)
        assert short.text
        assert "<" not in short.text
    inbox = rendered(name, Channel.INBOX, language)
    assert inbox.subject == email.subject
    assert inbox.html is None
    assert inbox.text


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.WHATSAPP, Channel.SMS])
def test_every_message_outside_the_inbox_carries_its_own_signed_unsubscribe_link(
    channel: Channel,
) -> None:
    person_id = UUID("0190a9b0-0000-7000-8000-00000000abcd")
    message = rendered("session_reminder_day_before", channel, person_id=person_id)
    link = next(word for word in message.text.split() if "/notifications/unsubscribe?" in word)
    assert link.startswith("https://kombel.example.id/notifications/unsubscribe?token=")
    (token,) = parse_qs(urlsplit(link).query)["token"]
    assert read_unsubscribe_token(SECRET, token) == (person_id, channel)
    if message.html is not None:
        assert link in message.html


def test_the_inbox_has_nothing_to_unsubscribe_from() -> None:
    for name in TEMPLATES:
        assert "unsubscribe" not in rendered(name, Channel.INBOX).text


def test_a_confirmation_email_shows_the_tickets_qr_inline_and_whatsapp_gives_its_code() -> None:
    ticket = "T" * 162
    email = rendered("registration_confirmed", Channel.EMAIL, ticket_text=ticket)
    assert email.html is not None
    assert f'src="cid:{TICKET_CID}"' in email.html
    assert qr_modules(email.images[TICKET_CID]) == expected_modules(ticket)
    whatsapp = rendered("registration_confirmed", Channel.WHATSAPP, ticket_text=ticket)
    assert f"Kode tiket: {ticket}" in whatsapp.text
    ticket_url = (
        "https://kombel.example.id/activities/registrations/"
        f"{SAMPLE_FACTS['registration_confirmed']['registration_id']}/ticket.svg"
    )
    assert ticket_url in whatsapp.text
    # SMS is paid by the segment: the link is enough.
    assert ticket not in rendered("registration_confirmed", Channel.SMS, ticket_text=ticket).text


def test_a_seat_from_before_tickets_were_signed_still_gets_its_confirmation() -> None:
    email = rendered("registration_confirmed", Channel.EMAIL, ticket_text=None)
    assert email.images == {}
    assert email.html is not None
    assert "cid:" not in email.html
    assert "/ticket.svg" in email.text


def test_thanks_link_to_the_certificate_of_the_registration() -> None:
    registration = SAMPLE_FACTS["session_thanks"]["registration_id"]
    url = f"https://kombel.example.id/activities/registrations/{registration}/certificate.pdf"
    for channel in Channel:
        assert url in rendered("session_thanks", channel).text


def test_a_session_reads_in_the_recipients_zone_with_the_places_hour_beside_it() -> None:
    jakarta_morning = {"starts_at": datetime(2026, 12, 9, 1, 0, tzinfo=UTC), "timezone": "WIB"}
    makassar = rendered(
        "session_reminder_day_before", Channel.EMAIL, zone=TimeZone.WITA, session=jakarta_morning
    )
    assert "Rabu, 9 Desember 2026, 09.00 WITA" in makassar.text
    assert "waktu setempat 08.00 WIB" in makassar.text
    jakarta = rendered("session_reminder_day_before", Channel.EMAIL, session=jakarta_morning)
    assert "Rabu, 9 Desember 2026, 08.00 WIB" in jakarta.text
    assert "waktu setempat" not in jakarta.text
    english = rendered(
        "session_reminder_two_hours",
        Channel.WHATSAPP,
        Language.ENGLISH,
        TimeZone.WITA,
        session=jakarta_morning,
    )
    assert "Wednesday, 9 December 2026, 09:00 WITA (08:00 WIB local time)" in english.text


def test_values_are_escaped_in_html_and_left_alone_in_text() -> None:
    title = 'Bimtek <script>alert("x")</script> & Co'
    email = rendered("registration_confirmed", Channel.EMAIL, training={"title": title})
    assert email.html is not None
    assert "<script>" not in email.html
    assert "&lt;script&gt;" in email.html
    assert "&amp; Co" in email.html
    assert title in email.text
    assert email.subject == f"Pendaftaran terkonfirmasi: {title}"


def test_a_waitlist_position_and_a_cancellation_reason_are_said() -> None:
    assert (
        "urutan ke-7" in rendered("registration_waitlisted", Channel.SMS, waitlist_position=7).text
    )
    assert (
        "Anda berada di daftar tunggu."
        in rendered("registration_waitlisted", Channel.SMS, waitlist_position=None).text
    )
    cancelled = rendered("registration_cancelled", Channel.EMAIL, reason="Sesi digabung.")
    assert "Alasan: Sesi digabung." in cancelled.text
    assert "Alasan" not in rendered("registration_cancelled", Channel.EMAIL, reason=None).text


def test_an_import_says_its_outcome_and_counts_in_words_people_use() -> None:
    failed = rendered(
        "import_finished",
        Channel.EMAIL,
        job={"status": "failed", "kind": "registrations", "dry_run": True},
    )
    assert failed.subject == "Impor pendaftaran peserta gagal (uji coba, tidak ada yang disimpan)"
    assert "dibuat 1204, diperbarui 37, sama dengan data tersimpan 12, ditolak 3" in failed.text
    assert "https://kombel.example.id/membership/imports/" in failed.text


def test_a_preview_puts_the_qr_inline_since_it_has_no_attachments() -> None:
    shown = preview("registration_promoted", PreviewRequest(), LINKS)
    assert shown.html is not None
    assert "cid:" not in shown.html
    assert 'src="data:image/png;base64,' in shown.html
