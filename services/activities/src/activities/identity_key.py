"""The one key every identity digest of the service is made with (`activities.identities`).

The people replica digests the identifiers of membership's events, a roster row is digested
to find its person, and `kombel replay activities people` digests the same events again: all
three must use the same key, and none of them is handed the service's settings (a consumer's
handler gets a session and events). So the key lives here, set when the service's settings are
made (`ActivitiesSettings`), which every one of those paths does first.
"""

import logging
from collections.abc import Mapping

from pydantic import SecretStr

from activities.identities import identity_digests

log = logging.getLogger(__name__)

_key: bytes | None = None


def use_identity_key(secret: SecretStr) -> None:
    global _key
    _key = secret.get_secret_value().encode()


def identity_key() -> bytes:
    """The key set from the settings; before any settings are made, the settings' default."""
    if _key is None:
        from activities.app import ActivitiesSettings  # the settings import this module

        log.warning("identity digest key not set from settings; using the default")
        default = ActivitiesSettings.model_fields["identity_digest_key"].default
        use_identity_key(default)
    assert _key is not None
    return _key


def digests_of(values: Mapping[str, str | None]) -> list[bytes]:
    """The keyed digests of the normalised NUPTK, email and phone present in `values`."""
    return identity_digests(identity_key(), dict(values))
