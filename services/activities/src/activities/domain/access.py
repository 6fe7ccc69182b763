"""Who may read and write a community's activities, from the data, not from the token.

The token says who the caller is (staff scope, `person`); whether they lead or belong to the
community comes from activities' replica of membership, so a member removed in membership
loses the right here as soon as the event arrives. Leads (penggerak, koordinator) log and edit;
members read and record their own attendance; staff read and write within their region; to
anyone else the community's activities do not exist (404).
"""

from dataclasses import dataclass
from typing import Any

from kombel_runtime.auth import Principal
from kombel_runtime.errors import Conflict, Forbidden, NotFound

LEADS = frozenset({"penggerak", "koordinator"})


@dataclass(frozen=True)
class Standing:
    """The caller's place in one community."""

    community: dict[str, Any]
    staff: bool  # staff whose region covers the community
    role: str | None  # the caller's current role in it, if a member

    @property
    def lead(self) -> bool:
        return self.role in LEADS

    @property
    def member(self) -> bool:
        return self.role is not None


def standing(principal: Principal, community: dict[str, Any], role: str | None) -> Standing:
    return Standing(community, principal.covers_region(community["kabkota_code"]), role)


def not_found(what: str) -> NotFound:
    return NotFound("not_found", f"{what} tidak ditemukan atau di luar wilayah kewenangan Anda.")


def require_reader(place: Standing | None, what: str = "Komunitas") -> Standing:
    if place is None or not (place.staff or place.member):
        raise not_found(what)
    return place


def require_writer(place: Standing | None, what: str = "Komunitas") -> Standing:
    place = require_reader(place, what)
    if not (place.staff or place.lead):
        raise Forbidden(
            "forbidden",
            "Hanya penggerak atau koordinator komunitas ini, atau staf wilayahnya, yang boleh "
            "mencatat dan mengubah kegiatannya.",
        )
    if place.community["status"] != "active":
        raise Conflict("community_archived", "Komunitas ini sudah diarsipkan.")
    return place
