"""Every PostgreSQL advisory lock of the platform, named once, so two never share an id.

PostgreSQL keeps two key spaces apart: locks on one bigint, and locks on a pair of int4 (a
namespace and a key within it). A `LockSpace` is a namespace of pairs, a `Lock` a single
bigint. Ids start with "kom" (0x6B6F6D) so that a lock seen in `pg_locks` reads as ours; the
module refuses to load if two names share an id within one key space.

A service that needs a lock adds it here, rather than choosing a number where it is used.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select


@dataclass(frozen=True)
class LockSpace:
    """Locks on (namespace, key) pairs: one per key, e.g. per lane or per kabupaten/kota."""

    name: str
    namespace: int

    def xact_lock(self, key: int | ColumnElement[Any]) -> Select[Any]:
        """Wait for the lock of `key`, held until the transaction ends."""
        return select(func.pg_advisory_xact_lock(self.namespace, key))


@dataclass(frozen=True)
class Lock:
    """One lock on a single bigint."""

    name: str
    id: int

    def xact_lock(self) -> Select[Any]:
        """Wait for the lock, held until the transaction ends."""
        return select(func.pg_advisory_xact_lock(self.id))


# The relay's lanes: a relay holds the lock of each lane it publishes (key: the lane).
RELAY_LANES = LockSpace("relay lanes", 0x6B6F6D)
# Registrations and renames of communities within one kabupaten/kota take turns, so two at
# once cannot both find a name free (key: `hashtext` of the kabupaten/kota code).
COMMUNITY_NAMES = LockSpace("community names", 0x6B6F6D02)
# Import workers claim jobs one at a time.
IMPORT_CLAIMS = Lock("import claims", 0x6B6F6D_0001)

SPACES = (RELAY_LANES, COMMUNITY_NAMES)
LOCKS = (IMPORT_CLAIMS,)

_INT4 = range(-(2**31), 2**31)
_INT8 = range(-(2**63), 2**63)


def _check_registry() -> None:
    namespaces = [s.namespace for s in SPACES]
    ids = [lock.id for lock in LOCKS]
    if len(set(namespaces)) != len(namespaces) or len(set(ids)) != len(ids):
        raise RuntimeError("two advisory locks share an id")
    if not all(n in _INT4 for n in namespaces) or not all(i in _INT8 for i in ids):
        raise RuntimeError("an advisory lock id is out of its key space's range")


_check_registry()
