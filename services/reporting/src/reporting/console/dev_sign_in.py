"""`POST /console/dev/token`: a token of a chosen role and scope from the embedded stack's dev
issuer, for the console's dev sign-in page.

It exists only where the dev issuer runs (the embedded default and tests); anywhere else, and
always under production settings, it answers 404 `dev_sign_in_unavailable`. The dev issuer keeps
its key beside the JWKS the services verify with (`auth_jwks_path`), so reporting mints with the
very key every service trusts.
"""

import functools
import time
from pathlib import Path
from typing import Annotated
from uuid import UUID

import jwt
from fastapi import APIRouter
from kombel_runtime.auth import Role
from kombel_runtime.dev_issuer import DevIssuer
from kombel_runtime.errors import ApiError
from kombel_runtime.service import Runtime
from pydantic import BaseModel, Field, StringConstraints

from reporting.console.settings import dev_sign_in_offered

TOKEN_TTL_S = 12 * 3600

router = APIRouter()

ProvinceCode = Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
KabkotaCode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}$")]


class DevSignIn(BaseModel):
    role: Role
    province: ProvinceCode | None = None
    kabkota: KabkotaCode | None = None
    person: UUID | None = None
    communities: list[UUID] = Field(default_factory=list, max_length=50)
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] | None = None


class SessionPrincipal(BaseModel):
    roles: list[str]
    province: str | None
    kabkota: str | None
    person: str | None
    name: str


class ConsoleSession(BaseModel):
    """What the console keeps in `localStorage["kombel.session"]`."""

    access_token: str
    expires_at: int
    principal: SessionPrincipal


@functools.cache
def _issuer(folder: Path) -> DevIssuer:
    # One per process: constructing an issuer rewrites its JWKS file.
    return DevIssuer(folder)


def _unavailable() -> ApiError:
    return ApiError(
        404,
        "dev_sign_in_unavailable",
        "Masuk pengembang tidak tersedia di sini; masuk melalui penyedia identitas.",
    )


def _missing_scope(field: str, what: str) -> ApiError:
    return ApiError(
        422,
        "scope_required",
        f"Peran ini memerlukan {what}.",
        details=[{"field": field, "code": "missing", "message": f"{what} wajib diisi"}],
    )


def _check_scope(request: DevSignIn) -> None:
    if request.role is Role.PROVINCE_STAFF and not request.province:
        raise _missing_scope("province", "kode provinsi")
    if request.role is Role.DISTRICT_STAFF and not request.kabkota:
        raise _missing_scope("kabkota", "kode kabupaten/kota")


@router.post("/dev/token", response_model=ConsoleSession)
async def dev_token(request: DevSignIn, runtime: Runtime) -> ConsoleSession:
    settings = runtime.settings
    if not dev_sign_in_offered(settings):
        raise _unavailable()
    assert settings.auth_jwks_path is not None
    _check_scope(request)
    issuer = _issuer(settings.auth_jwks_path.parent)
    province = request.province or (request.kabkota.split(".")[0] if request.kabkota else None)
    name = request.name or "Pengguna uji"
    token = issuer.mint(
        request.role,
        province=province,
        kabkota=request.kabkota,
        person=str(request.person) if request.person else None,
        communities=[str(c) for c in request.communities] or None,
        ttl_s=TOKEN_TTL_S,
    )
    expires_at = int(jwt.decode(token, options={"verify_signature": False}).get("exp", 0))
    return ConsoleSession(
        access_token=token,
        expires_at=expires_at or int(time.time()) + TOKEN_TTL_S,
        principal=SessionPrincipal(
            roles=[request.role.value],
            province=province,
            kabkota=request.kabkota,
            person=str(request.person) if request.person else None,
            name=name,
        ),
    )
