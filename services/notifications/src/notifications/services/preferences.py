"""A person's say over their messages: which channels may carry them, the quiet hours of their
nights (local time; messages wait, they are not dropped), and the one-click unsubscribe.

A channel with no row is on. The inbox is not among the switches: it is where a person reads
everything, costs nothing and reaches no one else, so it is always on. Turning a channel off
here and unsubscribing by link are the same act: the channel is off until the person turns it
on again.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events.notifications import Channel
from kombel_runtime.errors import Malformed
from kombel_runtime.local_time import zone_of
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import channel_preferences, contacts, quiet_hours
from notifications.domain.unsubscribe import read_unsubscribe_token
from notifications.schemas import ChannelSwitches, PreferencesIn, PreferencesOut, QuietHours

SWITCHED = tuple(Channel(name) for name in ChannelSwitches.model_fields)


class InvalidUnsubscribeLink(Malformed):
    def __init__(self) -> None:
        super().__init__(
            "unsubscribe_link_invalid",
            "Tautan berhenti berlangganan ini tidak sah atau terpotong. Buka tautan lengkap dari "
            "pesan yang Anda terima, atau atur saluran di pengaturan notifikasi.",
        )


async def preferences_of(session: AsyncSession, person_id: UUID) -> PreferencesOut:
    rows = await session.execute(
        select(channel_preferences.c.channel, channel_preferences.c.enabled).where(
            channel_preferences.c.person_id == person_id
        )
    )
    switches: dict[str, bool] = {row.channel: row.enabled for row in rows}
    quiet = (
        (
            await session.execute(
                select(quiet_hours.c.starts, quiet_hours.c.ends).where(
                    quiet_hours.c.person_id == person_id
                )
            )
        )
        .mappings()
        .one_or_none()
    )
    zone = (
        await session.execute(
            select(contacts.c.timezone).where(
                contacts.c.person_id == person_id, contacts.c.erased_at.is_(None)
            )
        )
    ).scalar_one_or_none()
    return PreferencesOut(
        channels=ChannelSwitches(**{c.value: switches.get(c.value, True) for c in SWITCHED}),
        quiet_hours=QuietHours.model_validate(dict(quiet)) if quiet else None,
        timezone=zone_of(zone) if zone else None,
    )


async def _switch(
    session: AsyncSession, person_id: UUID, switches: dict[Channel, bool], now: datetime
) -> None:
    statement = insert(channel_preferences).values(
        [
            {"person_id": person_id, "channel": c.value, "enabled": on, "updated_at": now}
            for c, on in switches.items()
        ]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[channel_preferences.c.person_id, channel_preferences.c.channel],
            set_={"enabled": statement.excluded.enabled, "updated_at": now},
        )
    )


async def set_preferences(
    session: AsyncSession, person_id: UUID, wanted: PreferencesIn
) -> PreferencesOut:
    """The person's preferences replaced by `wanted` as a whole."""
    now = datetime.now(UTC)
    await _switch(session, person_id, {c: getattr(wanted.channels, c.value) for c in SWITCHED}, now)
    if wanted.quiet_hours is None:
        await session.execute(delete(quiet_hours).where(quiet_hours.c.person_id == person_id))
    else:
        values: dict[str, Any] = {
            "starts": wanted.quiet_hours.starts,
            "ends": wanted.quiet_hours.ends,
            "updated_at": now,
        }
        statement = insert(quiet_hours).values(person_id=person_id, **values)
        await session.execute(
            statement.on_conflict_do_update(index_elements=[quiet_hours.c.person_id], set_=values)
        )
    return await preferences_of(session, person_id)


def unsubscribing(secret: bytes, token: str) -> tuple[UUID, Channel]:
    """The person and channel a link names; refused when the link is not one of ours."""
    read = read_unsubscribe_token(secret, token)
    if read is None or read[1] not in SWITCHED:
        raise InvalidUnsubscribeLink()
    return read


async def unsubscribe(session: AsyncSession, secret: bytes, token: str) -> Channel:
    """The channel a signed link names, turned off for its person."""
    person_id, channel = unsubscribing(secret, token)
    await _switch(session, person_id, {channel: False}, datetime.now(UTC))
    return channel
