"""The weekly digest as its reader sees it, from the event itself: what reporting publishes is
what the template reads (no I/O), in the area's zone and the subscriber's language."""

from datetime import UTC, date, datetime
from uuid import UUID

from kombel_events.notifications import Channel
from kombel_events.regions import TimeZone
from kombel_events.reporting import AreaKind, QuietCommunity, WeeklyDigestCompiled
from kombel_runtime.local_time import Language
from notifications.channels.base import Rendered
from notifications.digests.facts import digest_facts
from notifications.rendering import Links, render_template, template_context
from notifications.services.message_facts import Recipient

SUBSCRIPTION = UUID("0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f7a01")
LINKS = Links("https://kombel.example.id", b"test-unsubscribe-secret")


def a_digest(gone_quiet: int, listed: int) -> WeeklyDigestCompiled:
    return WeeklyDigestCompiled(
        area_code="63",
        area_kind=AreaKind.PROVINCE,
        province_code="63",
        week_start=date(2026, 12, 7),
        due_at=datetime(2026, 12, 6, 23, 0, tzinfo=UTC),  # Monday 07.00 WITA
        quiet_since=datetime(2026, 11, 29, 23, 0, tzinfo=UTC),
        timezone=TimeZone.WITA,
        communities=40,
        active=25,
        inactive=15,
        gone_quiet=gone_quiet,
        quiet_communities=[
            QuietCommunity(
                community_id=UUID(int=n + 1),
                name=f"KKG Gugus {n + 1}",
                kabkota_code="63.03",
                last_activity_at=datetime(2026, 10, 5, 2, 0, tzinfo=UTC) if n == 0 else None,
            )
            for n in range(listed)
        ],
    )


def read(event: WeeklyDigestCompiled, channel: Channel, language: Language) -> Rendered:
    facts = digest_facts({"context": event.model_dump(mode="json")})
    assert facts is not None
    reader = Recipient(None, language, TimeZone.WITA)
    context, images = template_context("weekly_digest", facts, reader, channel, LINKS, SUBSCRIPTION)
    return render_template("weekly_digest", channel, context, images)


def test_a_province_digest_names_its_quiet_communities_with_their_places() -> None:
    email = read(a_digest(gone_quiet=2, listed=2), Channel.EMAIL, Language.INDONESIAN)
    assert email.subject == "Ringkasan mingguan Kalimantan Selatan: 2 komunitas berhenti aktif"
    assert "per Senin, 7 Desember 2026, 07.00 WITA" in email.text
    assert "- KKG Gugus 1, Kabupaten Banjar: kegiatan terakhir Senin, 5 Oktober 2026" in email.text
    assert "- KKG Gugus 2, Kabupaten Banjar: belum pernah berkegiatan" in email.text
    assert "Berhenti menerima email dari Kombel" in email.text


def test_a_long_list_says_how_many_more_there_are() -> None:
    event = a_digest(gone_quiet=60, listed=50)
    email = read(event, Channel.EMAIL, Language.ENGLISH)
    assert "… and 10 more." in email.text
    whatsapp = read(event, Channel.WHATSAPP, Language.ENGLISH)
    assert "60 went quiet this week: KKG Gugus 1, " in whatsapp.text
    assert "KKG Gugus 5 and 55 more." in whatsapp.text
    assert "KKG Gugus 6" not in whatsapp.text


def test_a_quiet_week_says_so() -> None:
    inbox = read(a_digest(gone_quiet=0, listed=0), Channel.INBOX, Language.INDONESIAN)
    assert inbox.subject == "Ringkasan mingguan Kalimantan Selatan: 0 komunitas berhenti aktif"
    assert "25 dari 40 komunitas aktif, 0 berhenti aktif minggu ini." in inbox.text
