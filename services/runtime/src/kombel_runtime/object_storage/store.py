"""What every object store offers, and the keys it accepts.

A key is a path of segments joined by `/`, e.g. `activities/<activity id>/<file id>`; a
segment is letters, digits, `.`, `_` and `-`, and is never `.` or `..`. Keys are checked
here, before any store sees them, so a key built from a request can never name a place
outside the store (no `../`, no absolute path, no backslash, no empty segment). A key and a
folder of the same name may coexist (`a/b` and `a/b/c`), as they do in S3.
"""

import re
from typing import Protocol

MAX_KEY_LENGTH = 512

_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")


class InvalidObjectKey(ValueError):
    """The key is not one a store accepts (see the module's rules)."""


class ObjectNotFound(LookupError):
    """No object under the key."""


def checked_key(key: str) -> str:
    """The key itself when every segment is allowed; otherwise `InvalidObjectKey`."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidObjectKey(f"a key has 1 to {MAX_KEY_LENGTH} characters")
    for segment in key.split("/"):
        if segment in ("", ".", "..") or not _SEGMENT.fullmatch(segment):
            raise InvalidObjectKey(f"not an object key: {key!r}")
    return key


class ObjectStore(Protocol):
    """Files kept by key. Objects are small (evidence files of at most a few MB), so they are
    written and read whole. Content types are kept with S3 objects for people who browse the
    bucket; callers record the type they detected with their own row and serve that."""

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Keep `data` under `key`, replacing what was there; readers see all or nothing."""

    async def get(self, key: str) -> bytes:
        """The object's bytes; `ObjectNotFound` when there is none."""

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove the object; removing one that is not there is no error."""

    async def delete_prefix(self, prefix: str) -> int:
        """Remove every object under the folder `prefix` (keys starting `prefix/`, not the
        object `prefix` itself) and say how many went: an activity's files go together."""

    async def aclose(self) -> None:
        """Release connections; the store is not used afterwards."""
