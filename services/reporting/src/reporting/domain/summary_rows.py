"""Rows and totals of the region summaries, from the read models' figures: pure functions.

`attendance_rate` is the share of members who came, over the activities of the last 90 days
whose attendance was recorded: members present in all / (such activities × members now),
at most 1; None when nothing was recorded or the community has no members.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kombel_events.regions import Region

from reporting.domain.active_rule import active_share, is_active
from reporting.domain.cycle import phases_of


def attendance_rate(members_present: int, with_attendance: int, members: int) -> float | None:
    if not with_attendance or not members:
        return None
    return round(min(1.0, members_present / (with_attendance * members)), 4)


def community_item(row: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """One community's row of a kabupaten/kota summary."""
    return {
        "community_id": row["community_id"],
        "name": row["name"],
        "kind": row["kind"],
        "forum_type": row["forum_type"],
        "jenjang": list(row["jenjang"]),
        "members": row["members"],
        "activities_30d": int(row["activities_30d"] or 0),
        "activities_90d": int(row["activities_90d"] or 0),
        "last_activity_at": row["last_activity_at"],
        "attendance_rate": attendance_rate(
            int(row["members_present"] or 0), int(row["with_attendance"] or 0), row["members"]
        ),
        "phases_this_semester": phases_of(int(row["phases"] or 0)),
        "active": is_active(row["active_until"], now),
    }


def community_totals(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    communities = len(items)
    active = sum(1 for i in items if i["active"])
    return {
        "communities": communities,
        "active": active,
        "inactive": communities - active,
        "active_share": active_share(active, communities),
        "members": sum(i["members"] for i in items),
        "activities_30d": sum(i["activities_30d"] for i in items),
        "activities_90d": sum(i["activities_90d"] for i in items),
    }


def kabkota_item(region: Region, figures: Mapping[str, int] | None) -> dict[str, Any]:
    """One kabupaten/kota's row of a province summary (zeros where it has no community)."""
    found = figures or {}
    communities = int(found.get("communities", 0))
    active = int(found.get("active", 0))
    return {
        "kabkota_code": region.code,
        "name": region.display_name,
        "communities": communities,
        "active": active,
        "inactive": communities - active,
        "active_share": active_share(active, communities),
        "activities_30d": int(found.get("activities_30d", 0)),
        "members": int(found.get("members", 0)),
    }


def kabkota_totals(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    communities = sum(i["communities"] for i in items)
    active = sum(i["active"] for i in items)
    return {
        "communities": communities,
        "active": active,
        "inactive": communities - active,
        "active_share": active_share(active, communities),
        "activities_30d": sum(i["activities_30d"] for i in items),
        "members": sum(i["members"] for i in items),
    }
