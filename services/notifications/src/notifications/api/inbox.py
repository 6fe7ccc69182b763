"""`/notifications/inbox`: the caller's own in-app inbox, its unread count, reading, and a live
stream of what arrives (Server-Sent Events)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.responses import EventStreamResponse
from kombel_runtime.service import DbSession, Runtime

from notifications.schemas import InboxItem, InboxPage, ReadAll
from notifications.services import inbox
from notifications.services.callers import NO_PERSON_ANSWER, own_person
from notifications.services.inbox_stream import inbox_events

router = APIRouter(prefix="/inbox", tags=["inbox"])


@router.get(
    "",
    response_model=InboxPage,
    summary="Kotak masuk Anda, yang terbaru lebih dulu, dengan jumlah yang belum dibaca",
    responses=NO_PERSON_ANSWER,
)
async def list_inbox(
    principal: CurrentPrincipal,
    session: DbSession,
    unread: Annotated[bool, Query(description="Hanya yang belum dibaca")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> InboxPage:
    person_id = own_person(principal)
    async with session.begin():
        page = await inbox.inbox_page(
            session, person_id, unread_only=unread, limit=limit, cursor=cursor
        )
        count = await inbox.unread_count(session, person_id)
    return InboxPage(
        items=[InboxItem.model_validate(item) for item in page.items],
        total=page.total,
        next=page.next,
        unread=count,
    )


@router.post(
    "/read-all",
    response_model=ReadAll,
    summary="Tandai semua pesan kotak masuk Anda sudah dibaca",
    responses=NO_PERSON_ANSWER,
)
async def read_all(principal: CurrentPrincipal, session: DbSession, runtime: Runtime) -> ReadAll:
    person_id = own_person(principal)
    async with session.begin():
        marked = await inbox.mark_all_read(session, runtime.source, person_id)
    return ReadAll(marked=marked)


@router.post(
    "/{message_id}/read",
    response_model=InboxItem,
    summary="Tandai satu pesan sudah dibaca",
    responses={**NO_PERSON_ANSWER, 404: {"description": "Bukan pesan kotak masuk Anda"}},
)
async def read_one(
    message_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> InboxItem:
    person_id = own_person(principal)
    async with session.begin():
        item = await inbox.mark_read(session, runtime.source, person_id, message_id)
    return InboxItem.model_validate(item)


@router.get(
    "/stream",
    summary="Pesan baru secara langsung (Server-Sent Events)",
    response_class=EventStreamResponse,
    responses=NO_PERSON_ANSWER,
)
async def stream_inbox(
    principal: CurrentPrincipal,
    runtime: Runtime,
    request: Request,
    last_event_id: Annotated[
        UUID | None,
        Header(description="Pesan terakhir yang diterima; yang datang sesudahnya dikirim dulu"),
    ] = None,
) -> StreamingResponse:
    """Events: `message` (a new message, as in the list, with its id as the event id) and
    `unread` (the unread count, first and after each message). The stream ends after some
    minutes; EventSource reconnects by itself with `Last-Event-ID`."""
    person_id = own_person(principal)
    return StreamingResponse(
        inbox_events(
            runtime.redis, runtime.sessions, person_id, last_event_id, request.is_disconnected
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
