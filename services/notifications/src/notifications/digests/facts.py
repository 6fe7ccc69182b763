"""What a weekly digest's template reads: the digest event kept in the message's context,
with the places named as people write them. No I/O: the digest is complete in itself."""

from collections.abc import Mapping
from typing import Any

from kombel_events.regions import regions


def _place(kabkota_code: Any) -> str | None:
    region = regions().get(str(kabkota_code)) if kabkota_code else None
    return region.display_name if region else kabkota_code


def digest_facts(message: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the digest's template reads, from the event kept in the message's context."""
    context = message.get("context") or {}
    if not context.get("area_code") or not context.get("due_at"):
        return None
    region = regions().get(context["area_code"])
    listed = [
        {
            "name": c.get("name"),
            "place": _place(c.get("kabkota_code")),
            "last_activity_at": c.get("last_activity_at"),
        }
        for c in context.get("quiet_communities") or []
    ]
    return {
        "digest": {
            "area_name": region.display_name if region else context["area_code"],
            "area_kind": context.get("area_kind"),
            "due_at": context["due_at"],
            "communities": int(context.get("communities") or 0),
            "active": int(context.get("active") or 0),
            "inactive": int(context.get("inactive") or 0),
            "gone_quiet": int(context.get("gone_quiet") or 0),
            "quiet": listed,
            "unlisted": max(0, int(context.get("gone_quiet") or 0) - len(listed)),
        }
    }
