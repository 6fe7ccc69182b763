"""`/membership/communities`: learning communities and their details (members: `members`)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from kombel_events.membership import CommunityKind, ForumType, Jenjang
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.pagination import Page
from kombel_runtime.service import DbSession, Runtime

from membership.domain.communities import ArchiveCommunity, ChangeCommunity
from membership.schemas.communities import CommunityChanges, CommunityIn, CommunityOut
from membership.services import communities

router = APIRouter(prefix="/communities", tags=["communities"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CommunityOut,
    summary="Daftarkan komunitas belajar",
    responses={
        403: {"description": "Di luar peran atau wilayah kewenangan"},
        409: {"description": "Nama sudah dipakai komunitas aktif di kabupaten/kota yang sama"},
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
    async with session.begin():
        row = await communities.register_community(
            session, principal, body.command(), runtime.source
        )
    response.headers["Location"] = f"/membership/communities/{row['id']}"
    return CommunityOut.model_validate(row)


@router.get("", response_model=Page[CommunityOut], summary="Daftar komunitas belajar")
async def list_communities(
    principal: CurrentPrincipal,
    session: DbSession,
    province: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    kabkota: Annotated[str | None, Query(pattern=r"^\d{2}\.\d{2}$")] = None,
    jenjang: Jenjang | None = None,
    kind: CommunityKind | None = None,
    forum_type: ForumType | None = None,
    status_: Annotated[str, Query(alias="status", pattern="^(active|archived|all)$")] = "active",
    q: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> Page[CommunityOut]:
    search = communities.CommunityFilter(province, kabkota, jenjang, kind, forum_type, status_, q)
    page = await communities.list_communities(
        session, principal, search, limit=limit, cursor=cursor
    )
    return page.map(CommunityOut.model_validate)


@router.get("/{community_id}", response_model=CommunityOut, summary="Satu komunitas")
async def get_community(
    community_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> CommunityOut:
    return CommunityOut.model_validate(
        await communities.community(session, principal, community_id)
    )


@router.patch("/{community_id}", response_model=CommunityOut, summary="Ubah data komunitas")
async def change_community(
    community_id: UUID,
    body: CommunityChanges,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> CommunityOut:
    command = ChangeCommunity(community_id, body.changes())
    async with session.begin():
        row = await communities.change_community(session, principal, command, runtime.source)
    return CommunityOut.model_validate(row)


@router.post("/{community_id}/archive", response_model=CommunityOut, summary="Arsipkan komunitas")
async def archive_community(
    community_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> CommunityOut:
    command = ArchiveCommunity(community_id)
    async with session.begin():
        row = await communities.archive_community(session, principal, command, runtime.source)
    return CommunityOut.model_validate(row)
