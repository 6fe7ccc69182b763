"""Who a caller is to this service: the person whose inbox and preferences they hold."""

from typing import Any
from uuid import UUID

from kombel_runtime.auth import Principal
from kombel_runtime.errors import Forbidden


class NoPerson(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "person_required",
            "Token Anda tidak terhubung dengan data guru atau tenaga kependidikan (klaim "
            "`person`). Masuk dengan akun pribadi Anda.",
        )


# How routes that need the caller's person document the refusal.
NO_PERSON_ANSWER: dict[int | str, dict[str, Any]] = {
    403: {"description": "Token tidak terhubung dengan data seorang guru (`person`)"}
}


def own_person(principal: Principal) -> UUID:
    """The caller's own person; refused for a token that names none (a service account)."""
    person_id = principal.person_id
    if person_id is None:
        raise NoPerson()
    return person_id
