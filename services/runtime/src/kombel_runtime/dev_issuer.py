"""The development token issuer of the embedded stack.

It keeps an RSA key in the data folder, publishes its JWKS there for the services, and mints
tokens for `kombel token`. It refuses to exist under production settings.
"""

import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kombel_runtime.auth import Role
from kombel_runtime.settings import Environment

DEV_ISSUER = "kombel-dev"
DEV_AUDIENCE = "kombel"


class DevIssuerRefused(RuntimeError):
    pass


class DevIssuer:
    def __init__(self, folder: Path, environment: Environment = Environment.DEVELOPMENT) -> None:
        if environment is Environment.PRODUCTION:
            raise DevIssuerRefused("the dev token issuer does not run with production settings")
        self.folder = folder
        self.key_path = folder / "dev-issuer.pem"
        self.jwks_path = folder / "jwks.json"
        self._key = self._load_or_create()
        self.jwks_path.write_text(json.dumps({"keys": [self.public_jwk()]}))

    def _load_or_create(self) -> rsa.RSAPrivateKey:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.key_path.exists():
            key = serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)
            return key
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.key_path.chmod(0o600)
        return key

    def _public_jwk_json(self) -> str:
        return jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key())

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(self._public_jwk_json())
        # The key id follows the key, so a token of a replaced key is refused by its id.
        jwk.update({"kid": "dev-" + jwk["n"][:16], "alg": "RS256", "use": "sig"})
        return jwk

    def mint(
        self,
        role: Role,
        *,
        subject: str | None = None,
        province: str | None = None,
        kabkota: str | None = None,
        npsn: str | None = None,
        communities: list[str] | None = None,
        person: str | None = None,
        ttl_s: int = 12 * 3600,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": DEV_ISSUER,
            "aud": DEV_AUDIENCE,
            "sub": subject or f"dev-{role.value}-{uuid.uuid4().hex[:8]}",
            "iat": now,
            "exp": now + ttl_s,
            "roles": [role.value],
        }
        if province:
            claims["province"] = province
        if kabkota:
            claims["kabkota"] = kabkota
            claims.setdefault("province", kabkota.split(".")[0])
        if npsn:
            claims["npsn"] = npsn
        if communities:
            claims["communities"] = communities
        if person:
            claims["person"] = person
        return jwt.encode(
            claims, self._key, algorithm="RS256", headers={"kid": self.public_jwk()["kid"]}
        )
