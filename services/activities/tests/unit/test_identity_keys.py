"""Identity digests: the same identifiers make the same digests under one key, another key
makes others, and the key is the settings' (the development default until they are made)."""

from collections.abc import Iterator
from typing import Any

import pytest
from activities import identity_key
from activities.app import ActivitiesSettings
from activities.identity_key import digests_of, use_identity_key
from pydantic import SecretStr, ValidationError

RINA = {"nuptk": "1234567890120001", "email": "rina@contoh.sch.id", "phone": None}


@pytest.fixture
def restored_key() -> Iterator[None]:
    kept = identity_key._key
    yield
    identity_key._key = kept


def test_the_same_identifiers_make_the_same_digests_under_one_key(restored_key: None) -> None:
    use_identity_key(SecretStr("kunci-satu"))
    first = digests_of(RINA)
    assert len(first) == 2
    assert digests_of(dict(RINA)) == first
    assert digests_of(RINA | {"email": None}) == first[:1]
    use_identity_key(SecretStr("kunci-dua"))
    assert not set(digests_of(RINA)) & set(first)


def test_without_settings_the_key_is_the_settings_default(restored_key: None) -> None:
    identity_key._key = None
    default = ActivitiesSettings.model_fields["identity_digest_key"].default
    expected = digests_of(RINA)
    use_identity_key(default)
    assert digests_of(RINA) == expected


def test_production_refuses_the_public_default_key(restored_key: None) -> None:
    def production(**more: Any) -> ActivitiesSettings:
        return ActivitiesSettings.model_validate(
            {
                "database_url": "postgresql+asyncpg://db/aktivitas",
                "environment": "production",
                "auth_jwks_url": "https://sso.example.id/jwks",
                "object_store_folder_in_production": True,
                "dev_issuer_enabled": False,
                **more,
            }
        )

    with pytest.raises(ValidationError, match="KOMBEL_IDENTITY_DIGEST_KEY"):
        production()
    own = production(identity_digest_key="kunci-milik-sendiri")
    assert identity_key.identity_key() == b"kunci-milik-sendiri"
    assert own.environment.value == "production"
