"""The bimtek's messages (issue 10): the roster's 4,324 registrations answered by
notifications, each person once per channel, measured from the roster's commit until every
answer is queued, and on until every email and WhatsApp message reached the local SMTP server
and gateway recorder (the dev outbox), counted at the receiving end: none lost, none doubled.
"""

import time
from uuid import UUID

from kombel_runtime.testing.harness import RunningPlatform, eventually
from notifications.db.tables import dev_outbox, messages
from sqlalchemy import func, select

from tests.benchmarks.report import Result

ANSWERS = ("registration_confirmed", "registration_waitlisted")
# The providers' pace in the benchmark; the count at the receiving end is what is checked.
RATE_PER_MINUTE = 60_000


async def _answers(platform: RunningPlatform, training_id: UUID) -> int:
    async with platform.runtime("notifications").sessions() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(messages)
            .where(messages.c.training_id == training_id, messages.c.rule.in_(ANSWERS))
        )
    return int(found or 0)


async def _received(platform: RunningPlatform) -> tuple[int, int, int]:
    """Messages received by the SMTP server and the gateway recorder: all, and the distinct
    recipients of each."""
    async with platform.runtime("notifications").sessions() as session:
        row = (
            await session.execute(
                select(
                    func.count(),
                    func.count(func.distinct(dev_outbox.c.recipient)).filter(
                        dev_outbox.c.channel == "email"
                    ),
                    func.count(func.distinct(dev_outbox.c.recipient)).filter(
                        dev_outbox.c.channel == "whatsapp"
                    ),
                )
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def answered(
    platform: RunningPlatform,
    training_id: UUID,
    committed_at: float,
    linked_at: float,
    recipients: int,
) -> tuple[Result, Result, Result]:
    """From the roster's commit (a `time.perf_counter()` instant) to every answer queued on
    its three channels, the same from the last registration's link (a new person's answer
    waits for membership to create them), and to every email and WhatsApp message received."""
    before = await _received(platform)
    await eventually(
        lambda: _answers(platform, training_id),
        lambda count: count == 3 * recipients,
        timeout_s=300,
        interval_s=0.05,
    )
    queued_at = time.perf_counter()
    wanted = (before[0] + 2 * recipients, before[1] + recipients, before[2] + recipients)
    received = await eventually(
        lambda: _received(platform),
        lambda got: got[0] >= wanted[0] and got[1:] == wanted[1:],
        timeout_s=600,
        interval_s=0.2,
    )
    delivered = time.perf_counter() - committed_at
    if received != wanted:
        raise RuntimeError(f"received {received}, wanted {wanted}: a message lost or doubled")
    return (
        Result(
            "messages: roster committed → all answers queued",
            3 * recipients,
            queued_at - committed_at,
        ),
        Result(
            "messages: last registration linked → all answers queued",
            3 * recipients,
            queued_at - linked_at,
        ),
        Result(
            f"messages: → all emails and WhatsApp received ({RATE_PER_MINUTE}/min each)",
            2 * recipients,
            delivered,
        ),
    )
