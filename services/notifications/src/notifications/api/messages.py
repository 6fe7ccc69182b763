"""`/notifications/messages`: what was sent to whom and what became of it (queued, sent,
delivered, read, failed with its reason), without what it said or where it went."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from kombel_events.notifications import Channel
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.pagination import Page
from kombel_runtime.service import DbSession

from notifications.schemas import MessageDetail, MessageOut, MessageState
from notifications.services import messages as use
from notifications.services.messages import MessageFilter

router = APIRouter(prefix="/messages", tags=["messages"])


@router.get(
    "",
    response_model=Page[MessageOut],
    summary="Pesan dan status pengirimannya: staf untuk orang di wilayahnya, guru untuk dirinya",
)
async def list_messages(
    principal: CurrentPrincipal,
    session: DbSession,
    person_id: UUID | None = None,
    status: MessageState | None = None,
    rule: Annotated[str | None, Query(max_length=100)] = None,
    channel: Channel | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Page[MessageOut]:
    wanted = MessageFilter(person_id=person_id, status=status, rule=rule, channel=channel)
    async with session.begin():
        page = await use.list_messages(session, principal, wanted, limit=limit, cursor=cursor)
    return page.map(MessageOut.model_validate)


@router.get(
    "/{message_id}",
    response_model=MessageDetail,
    summary="Satu pesan dengan riwayat statusnya",
    responses={404: {"description": "Tidak ada, atau bukan pesan yang boleh Anda lihat"}},
)
async def get_message(
    message_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> MessageDetail:
    async with session.begin():
        row = await use.message_detail(session, principal, message_id)
    return MessageDetail.model_validate(row)
