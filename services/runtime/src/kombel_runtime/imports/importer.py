"""What a service plugs into the import machinery: its kinds, who may import, its tables."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from kombel_runtime.auth import Principal
from kombel_runtime.imports.kinds import Apply, KindSpec
from kombel_runtime.imports.tables import ImportTables


class Audit(Protocol):
    def __call__(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        subject: str | None,
        **detail: Any,
    ) -> Awaitable[None]: ...


# Whether the caller may import this kind (into `target`, when the kind has one), asked before
# the file is read; raises a domain error (Forbidden, NotFound) if not. Rows are checked again
# when the job runs.
Authorize = Callable[[AsyncSession, Principal, str, str | None], Awaitable[None]]


@dataclass(frozen=True)
class Importer:
    service: str  # names its Redis keys: progress and the workers' wake-up list
    base_path: str  # where its routes are mounted, as clients call them: "/membership/imports"
    specs: Mapping[str, KindSpec]
    apply: Mapping[str, Apply]
    tables: ImportTables
    authorize: Authorize
    # Uploads and reads of noted rows are audited where the service keeps an audit log.
    audit: Audit | None = None

    def wake_key(self) -> str:
        return f"{self.service}:imports:wake"

    def progress_key(self, import_id: object) -> str:
        return f"{self.service}:import:{import_id}"
