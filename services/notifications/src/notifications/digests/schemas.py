"""Requests and answers of `/notifications/digests/subscription`."""

from typing import Annotated

from kombel_events.reporting import AreaKind
from kombel_runtime.contacts import normalise_email, normalise_phone
from kombel_runtime.local_time import Language
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

_Address = Annotated[str, StringConstraints(max_length=254)]


class DigestSubscriptionIn(BaseModel):
    """Where your weekly digest goes. Turned on, it needs an email or a WhatsApp number."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(description="Kirim ringkasan mingguan setiap Senin 07.00 waktu setempat")
    email: Annotated[_Address | None, AfterValidator(lambda v: v and normalise_email(v))] = None
    whatsapp: Annotated[
        _Address | None,
        AfterValidator(lambda v: v and normalise_phone(v)),
        Field(description="Nomor WhatsApp, mis. 0812…; disimpan sebagai +62…"),
    ] = None
    language: Language = Language.INDONESIAN

    @model_validator(mode="after")
    def _reachable(self) -> "DigestSubscriptionIn":
        if self.enabled and not (self.email or self.whatsapp):
            raise PydanticCustomError(
                "digest_address_required",
                "isi alamat email atau nomor WhatsApp untuk menerima ringkasan",
            )
        return self


class DigestSubscriptionOut(BaseModel):
    area_kind: AreaKind = Field(description="Wilayah dari token Anda: provinsi atau kab/kota")
    area_code: str
    area_name: str
    enabled: bool
    email: str | None
    whatsapp: str | None
    language: Language
    inbox: bool = Field(description="Salinan di kotak masuk (bila token Anda menyebut orangnya)")
