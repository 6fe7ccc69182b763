"""Staff subscribe to the weekly digest of their own area: the province of a province staff
token, the kabupaten/kota of a district staff one. The area comes from the token, never from
the request, so nobody subscribes to another's area. One subscription per token subject.
"""

from collections.abc import Mapping
from typing import Any

from kombel_events.regions import regions
from kombel_events.reporting import AreaKind
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Forbidden
from kombel_runtime.ids import uuid7
from kombel_runtime.local_time import Language
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import digest_subscriptions as subscriptions
from notifications.digests.schemas import DigestSubscriptionIn, DigestSubscriptionOut


class NotDigestStaff(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "digest_staff_only",
            "Ringkasan mingguan komunitas untuk staf dinas kabupaten/kota dan staf provinsi, "
            "dengan wilayah di tokennya. Masuk dengan akun staf wilayah Anda.",
        )


def area_of(principal: Principal) -> tuple[AreaKind, str]:
    """The caller's area: the province of province staff, the kabupaten/kota of district staff."""
    known = regions().get
    if Role.PROVINCE_STAFF in principal.roles and principal.province and known(principal.province):
        return AreaKind.PROVINCE, principal.province
    if Role.DISTRICT_STAFF in principal.roles and principal.kabkota and known(principal.kabkota):
        return AreaKind.KABKOTA, principal.kabkota
    raise NotDigestStaff()


def _answer(kind: AreaKind, code: str, row: Mapping[str, Any] | None) -> DigestSubscriptionOut:
    region = regions().get(code)
    # A token whose area changed since the last PUT (staff moved) is not subscribed for the
    # new area until it saves again; the old area's digests stop then too.
    enabled = bool(row and row["enabled"] and row["area_code"] == code)
    return DigestSubscriptionOut(
        area_kind=kind,
        area_code=code,
        area_name=region.display_name if region else code,
        enabled=enabled,
        email=row["email"] if row else None,
        whatsapp=row["phone"] if row else None,
        language=Language.of(row["language"] if row else None),
        inbox=bool(row and row["person_id"]),
    )


async def subscription_of(session: AsyncSession, principal: Principal) -> DigestSubscriptionOut:
    """The caller's subscription; off, with no addresses, when they never made one."""
    kind, code = area_of(principal)
    mine = select(subscriptions).where(subscriptions.c.subject == principal.subject)
    row = (await session.execute(mine)).mappings().one_or_none()
    return _answer(kind, code, dict(row) if row is not None else None)


async def subscribe(
    session: AsyncSession, principal: Principal, body: DigestSubscriptionIn
) -> DigestSubscriptionOut:
    """Keep the caller's choice, for the area their token names now."""
    kind, code = area_of(principal)
    region = regions().get(code)
    assert region is not None  # area_of checked it
    values = {
        "person_id": principal.person_id,
        "area_kind": kind.value,
        "area_code": code,
        "timezone": region.timezone.value,
        "email": body.email,
        "phone": body.whatsapp,
        "language": body.language.value,
        "enabled": body.enabled,
    }
    statement = insert(subscriptions).values(subject=principal.subject, id=uuid7(), **values)
    row = (
        (
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[subscriptions.c.subject],
                    set_={**values, "updated_at": func.now()},
                ).returning(subscriptions)
            )
        )
        .mappings()
        .one()
    )
    return _answer(kind, code, dict(row) if row is not None else None)
