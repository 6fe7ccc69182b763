"""The channel adapters the settings ask for, by channel.

A channel with no URL of its own goes to the dev outbox's local servers when one runs (the
embedded default); without either it has no sender, and the dispatcher treats its messages
as refused (a WhatsApp message then falls over to SMS or email). The inbox is no sender: the
dispatcher delivers it by storing the message.
"""

from typing import TYPE_CHECKING

from kombel_events.notifications import Channel

from notifications.channels.base import Sender
from notifications.channels.email import EmailSender
from notifications.channels.whatsapp import FONNTE, GatewaySender, gateway_profile

if TYPE_CHECKING:
    from notifications.app import NotificationsSettings
    from notifications.dev_outbox import DevOutbox


def _secret(value: object) -> str:
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal()) if callable(reveal) else str(value or "")


def senders(
    settings: "NotificationsSettings", dev: "DevOutbox | None" = None
) -> dict[Channel, Sender]:
    """A sender for each channel that has somewhere to go."""
    found: dict[Channel, Sender] = {}
    if settings.smtp_url is not None:
        found[Channel.EMAIL] = EmailSender(_secret(settings.smtp_url), settings.smtp_from)
    elif dev is not None:
        found[Channel.EMAIL] = EmailSender(dev.smtp_url, settings.smtp_from)
    if settings.whatsapp_url is not None:
        profile = gateway_profile(
            settings.whatsapp_provider,
            settings.whatsapp_url,
            _secret(settings.whatsapp_token),
            settings.whatsapp_phone_number_id,
        )
        found[Channel.WHATSAPP] = GatewaySender(Channel.WHATSAPP, profile)
    elif dev is not None:
        profile = gateway_profile(FONNTE, dev.whatsapp_url, "dev-outbox")
        found[Channel.WHATSAPP] = GatewaySender(Channel.WHATSAPP, profile)
    if settings.sms_url is not None:
        profile = gateway_profile(FONNTE, settings.sms_url, _secret(settings.sms_token))
        found[Channel.SMS] = GatewaySender(Channel.SMS, profile)
    elif dev is not None:
        found[Channel.SMS] = GatewaySender(
            Channel.SMS, gateway_profile(FONNTE, dev.sms_url, "dev-outbox")
        )
    return found


def sms_available(settings: "NotificationsSettings", dev_outbox: bool) -> bool:
    """Whether refused WhatsApp messages can fall over to SMS: a gateway of its own, or the
    dev outbox's."""
    return settings.sms_url is not None or dev_outbox
