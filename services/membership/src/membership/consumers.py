"""What membership consumes: the registration saga's requests for a person."""

from collections.abc import Sequence
from typing import Any

from kombel_events.person_requests import PersonRequested
from kombel_runtime.consumer import Received, Subscription
from sqlalchemy.ext.asyncio import AsyncSession

from membership.services.person_requests import answer_person_requests

# The CloudEvents source of what membership publishes, as `ServiceRuntime.source` names it.
SOURCE = "/kombel/membership"


async def _person_requested(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
    await answer_person_requests(session, SOURCE, [r.event for r in received])


def person_request_subscriptions() -> list[Subscription]:
    return [Subscription(PersonRequested, _person_requested)]
