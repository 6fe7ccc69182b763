"""The dev outbox: in the embedded default, with no SMTP server or gateway configured, the
service runs its own on 127.0.0.1 and the channels send to them for real (SMTP and HTTP), so
`make run` shows what would have gone out without sending anything anywhere. What they
receive lands in the `dev_outbox` table, which the dev page lists (`api/dev.py`).

Never in production: the settings refuse `dev_outbox` there.
"""

import contextlib
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from kombel_events.notifications import Channel
from kombel_runtime.settings import Environment
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.db.tables import dev_outbox
from notifications.local_servers import (
    CaughtMail,
    GatewayCall,
    MailCatcher,
    Take,
    Verdict,
    gateway_app,
    http_server,
    smtp_server,
    text_of,
)

if TYPE_CHECKING:
    from notifications.app import NotificationsSettings


def dev_outbox_wanted(settings: "NotificationsSettings") -> bool:
    """Whether this service runs the local servers: asked for, not production, and some
    channel has nowhere else to go."""
    return (
        settings.dev_outbox
        and settings.environment is not Environment.PRODUCTION
        and (settings.smtp_url is None or settings.whatsapp_url is None)
    )


class DevOutbox:
    """The running local servers; `async with DevOutbox.started(…) as outbox`."""

    def __init__(self, smtp_port: int, gateway_url: str) -> None:
        self.smtp_url = f"smtp://127.0.0.1:{smtp_port}"
        self.whatsapp_url = f"{gateway_url}/send"
        self.sms_url = f"{gateway_url}/sms/send"

    @classmethod
    @contextlib.asynccontextmanager
    async def started(
        cls,
        sessions: async_sessionmaker[AsyncSession],
        *,
        smtp_port: int = 0,
        gateway_port: int = 0,
    ) -> AsyncIterator["DevOutbox"]:
        async def keep_mail(mail: CaughtMail) -> None:
            # A long subject arrives folded onto its own line; mail clients show it trimmed.
            subject = str(mail.message.get("Subject", "")).strip()
            rows = [
                {
                    "channel": Channel.EMAIL.value,
                    "recipient": recipient,
                    "subject": subject,
                    "body": text_of(mail.message),
                    "raw": mail.raw.decode("utf-8", "replace"),
                }
                for recipient in mail.recipients
            ]
            async with sessions() as session, session.begin():
                await session.execute(dev_outbox.insert(), rows)

        async def keep_call(call: GatewayCall) -> Verdict:
            raw = {"provider": call.provider, "target": call.target, "message": call.text}
            async with sessions() as session, session.begin():
                kept = await session.scalar(
                    dev_outbox.insert()
                    .values(
                        channel=call.channel.value,
                        recipient=call.target,
                        body=call.text,
                        raw=json.dumps(raw, ensure_ascii=False),
                    )
                    .returning(dev_outbox.c.id)
                )
            return Take(str(kept))

        async with (
            smtp_server(MailCatcher(keep_mail), smtp_port) as port,
            http_server(gateway_app(keep_call), gateway_port) as gateway,
        ):
            yield cls(port, gateway)
