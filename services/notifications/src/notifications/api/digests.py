"""`/notifications/digests/subscription`: district and province staff choose where the weekly
digest of quiet communities in their area goes (their area comes from the token)."""

from typing import Any

from fastapi import APIRouter
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.service import DbSession

from notifications.digests import subscriptions
from notifications.digests.schemas import DigestSubscriptionIn, DigestSubscriptionOut

router = APIRouter(prefix="/digests", tags=["digests"])

_STAFF_ONLY: dict[int | str, dict[str, Any]] = {
    403: {"description": "Bukan staf provinsi atau kabupaten/kota dengan wilayah di tokennya"}
}


@router.get(
    "/subscription",
    response_model=DigestSubscriptionOut,
    summary="Langganan ringkasan mingguan komunitas di wilayah Anda",
    responses=_STAFF_ONLY,
)
async def get_subscription(
    principal: CurrentPrincipal, session: DbSession
) -> DigestSubscriptionOut:
    async with session.begin():
        return await subscriptions.subscription_of(session, principal)


@router.put(
    "/subscription",
    response_model=DigestSubscriptionOut,
    summary="Atur langganan ringkasan mingguan (Senin 07.00 waktu setempat)",
    responses=_STAFF_ONLY,
)
async def put_subscription(
    body: DigestSubscriptionIn, principal: CurrentPrincipal, session: DbSession
) -> DigestSubscriptionOut:
    """Email and WhatsApp go to the addresses given here; a copy waits in the inbox when your
    token names your person."""
    async with session.begin():
        return await subscriptions.subscribe(session, principal, body)
