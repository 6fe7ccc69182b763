"""Bearer tokens: OIDC JWTs (RS256) verified against the issuer's JWKS, turned into principals.

Claims: `sub`; `roles` (or Keycloak's `realm_access.roles`); the scopes `province` (e.g. `12`),
`kabkota` (e.g. `12.11`), `npsn` and `communities`; `person`, the caller's own person id.
A signed token whose claims have the wrong shape (a list where a code belongs) is refused like
a forged one: its scopes would otherwise reach SQL filters as values no query expects.

The edge (`admission.py`) verifies the token once, before the body is read, and leaves the
principal in the request's state; `authenticate` takes it from there.
"""

import json
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError
from sqlalchemy import ColumnElement, true

from kombel_runtime.control_characters import has_control_characters
from kombel_runtime.errors import ApiError

# Where the edge leaves the verified principal in the request's state (`scope["state"]`).
PRINCIPAL_STATE = "principal"


class Role(StrEnum):
    """Roles, widest first."""

    NATIONAL_ADMIN = "national_admin"
    PROVINCE_STAFF = "province_staff"
    DISTRICT_STAFF = "district_staff"
    PRINCIPAL = "principal"
    COMMUNITY_LEAD = "community_lead"
    MEMBER = "member"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[Role]
    province: str | None = None
    kabkota: str | None = None
    npsn: str | None = None
    communities: frozenset[str] = field(default_factory=frozenset)
    person: str | None = None  # the person record of a teacher who signs in themselves

    @property
    def community_ids(self) -> list[UUID]:
        """The communities of the token that are well-formed ids; others are ignored."""
        return [uid for c in sorted(self.communities) if (uid := _uuid(c)) is not None]

    @property
    def person_id(self) -> UUID | None:
        return _uuid(self.person) if self.person else None

    def has_any(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def covers_region(self, kabkota_code: str) -> bool:
        """Whether this principal's staff scope includes the kabupaten/kota."""
        if Role.NATIONAL_ADMIN in self.roles:
            return True
        if Role.PROVINCE_STAFF in self.roles and self.province:
            return kabkota_code.startswith(self.province + ".")
        if Role.DISTRICT_STAFF in self.roles and self.kabkota:
            return kabkota_code == self.kabkota
        return False

    def region_filter(
        self, province: ColumnElement[str], kabkota: ColumnElement[str]
    ) -> ColumnElement[bool] | None:
        """The rows a staff scope covers, as SQL (the twin of `covers_region`); None for
        callers who are not staff, whose reach each list decides."""
        if Role.NATIONAL_ADMIN in self.roles:
            return true()
        if Role.PROVINCE_STAFF in self.roles and self.province:
            return province == self.province
        if Role.DISTRICT_STAFF in self.roles and self.kabkota:
            return kabkota == self.kabkota
        return None

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "Principal":
        """The principal of verified claims; `pydantic.ValidationError` when their shape is
        wrong (a list for `kabkota`, a number for `province`, `roles` that is not a list)."""
        valid = TokenClaims.model_validate(claims)
        raw_roles = valid.roles or valid.realm_access.roles
        roles = frozenset(Role(r) for r in raw_roles if r in Role._value2member_map_)
        return cls(
            subject=valid.sub,
            roles=roles,
            province=valid.province,
            kabkota=valid.kabkota,
            npsn=valid.npsn,
            communities=frozenset(valid.communities),
            person=valid.person,
        )


def _no_control_characters(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("control characters")
    return value


ClaimText = Annotated[
    str, StringConstraints(max_length=200), AfterValidator(_no_control_characters)
]


class RealmAccess(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    roles: list[ClaimText] = []


class TokenClaims(BaseModel):
    """The claims a principal is made of, as the issuer must write them; others are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")

    sub: Annotated[ClaimText, StringConstraints(min_length=1)]
    roles: list[ClaimText] | None = None
    realm_access: RealmAccess = RealmAccess()
    province: ClaimText | None = None
    kabkota: ClaimText | None = None
    npsn: ClaimText | None = None
    communities: list[ClaimText] = []
    person: ClaimText | None = None


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


class JwksSource:
    """The issuer's public keys, from a file (embedded mode) or an HTTPS URL with caching."""

    def __init__(self, *, url: str | None = None, path: Path | None = None, ttl_s: float = 600):
        if not url and not path:
            raise ValueError("a JWKS needs a URL or a path")
        self._url = url
        self._path = path
        self._ttl_s = ttl_s
        self._keys: dict[str, Any] = {}
        self._loaded_at = 0.0

    async def key(self, kid: str | None) -> Any:
        stale = time.monotonic() - self._loaded_at > self._ttl_s
        if stale or (kid not in self._keys and time.monotonic() - self._loaded_at > 10):
            await self._load()
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid or "")

    async def _load(self) -> None:
        if self._path is not None:
            document = json.loads(self._path.read_text())
        else:
            assert self._url is not None
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(self._url)
                response.raise_for_status()
                document = response.json()
        self._keys = {
            k.get("kid", ""): jwt.PyJWK(k).key
            for k in document.get("keys", [])
            if k.get("kty") == "RSA"
        }
        self._loaded_at = time.monotonic()


class TokenVerifier:
    def __init__(self, jwks: JwksSource, *, issuer: str, audience: str) -> None:
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            key = await self._jwks.key(header.get("kid"))
            if key is None:
                raise jwt.InvalidTokenError("unknown signing key")
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub"]},
                leeway=30,
            )
        except (jwt.InvalidTokenError, httpx.HTTPError, OSError) as error:
            raise _unauthenticated(
                "Token kedaluwarsa. Minta token baru."
                if isinstance(error, jwt.ExpiredSignatureError)
                else "Token tidak sah. Minta token baru dari penerbit token."
            ) from None
        try:
            return Principal.from_claims(claims)
        except ValidationError as error:
            names = sorted({str(e["loc"][0]) for e in error.errors() if e["loc"]})
            raise _unauthenticated(
                f"Token tidak sah: klaim {', '.join(f'`{n}`' for n in names)} tidak sesuai "
                "format. Hubungi pengelola penerbit token."
            ) from None


def _unauthenticated(message: str) -> ApiError:
    return ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": "Bearer"})


# Declared for OpenAPI, so the docs page offers "Authorize"; the check itself is ours, with
# our error body.
_bearer = HTTPBearer(
    auto_error=False, description="Token OIDC (JWT). Di mode lokal: `kombel token`."
)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer …` header; 401 when there is none."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthenticated("Sertakan header `Authorization: Bearer <token>`.")
    return token.strip()


async def authenticate(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    admitted = request.scope.get("state", {}).get(PRINCIPAL_STATE)
    if isinstance(admitted, Principal):
        return admitted
    # A route under a public path that still asks who calls: verified here instead.
    token = bearer_token(request.headers.get("authorization"))
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(token)


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def require_any(principal: Principal, *roles: Role) -> None:
    if not principal.has_any(*roles):
        raise ApiError(403, "forbidden", "Peran Anda tidak berwenang melakukan tindakan ini.")
