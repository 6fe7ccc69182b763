"""The registration saga, activities' side: membership's replies to `PersonRequested`."""

from kombel_runtime.consumer import Subscription


def person_reply_subscriptions() -> list[Subscription]:
    return []
