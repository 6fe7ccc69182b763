"""`/membership/communities`: registering learning communities."""

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response, status
from kombel_events.membership import CommunityKind, ForumType, Jenjang, KabkotaCode
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.outbox import record_events
from kombel_runtime.service import DbSession, Runtime
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from membership.db.tables import communities
from membership.domain.communities import RegisterCommunity, register_community

router = APIRouter(prefix="/communities", tags=["communities"])


class CommunityIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "KKG Gugus 3 Sidikalang",
                    "kind": "antar_sekolah",
                    "forum_type": "KKG",
                    "jenjang": ["SD"],
                    "kabkota_code": "12.11",
                }
            ]
        },
    )

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    kind: CommunityKind
    forum_type: ForumType
    jenjang: list[Jenjang] = Field(min_length=1, max_length=7)
    kabkota_code: KabkotaCode = Field(description="Kode Kemendagri kabupaten/kota, mis. 12.11")


class CommunityOut(BaseModel):
    id: UUID
    name: str
    kind: CommunityKind
    forum_type: ForumType
    jenjang: list[Jenjang]
    province_code: str
    kabkota_code: str
    status: str


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CommunityOut,
    summary="Daftarkan komunitas belajar",
    responses={
        403: {"description": "Di luar peran atau wilayah kewenangan"},
        422: {"description": "Data tidak sah"},
    },
)
async def register(
    body: CommunityIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> CommunityOut:
    community, event = register_community(principal, RegisterCommunity(**body.model_dump()))
    async with session.begin():
        await session.execute(communities.insert().values(**asdict(community)))
        await record_events(session, runtime.source, [event])
    response.headers["Location"] = f"/membership/communities/{community.id}"
    return CommunityOut.model_validate(asdict(community))
