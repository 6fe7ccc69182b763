"""What a service plugs into the import machinery: its kinds, who may import, its tables."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kombel_runtime.auth import Principal
from kombel_runtime.imports.kinds import Apply, KindSpec
from kombel_runtime.imports.schemas import ImportStatus
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

# More of each job's status than its row says, for a page of jobs at once: what happened to its
# records after the job (a roster's people, created later by another service), by job id.
StatusDetails = Callable[
    [AsyncSession, Sequence[Mapping[str, Any]]], Awaitable[Mapping[UUID, Mapping[str, Any]]]
]


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
    # A service whose kinds say more than the shared counters answers with its own status
    # (fields named like its `tables.counters` are filled from the job's row) and details.
    status: type[ImportStatus] = ImportStatus
    details: StatusDetails | None = None

    async def statuses(
        self, session: AsyncSession, rows: Sequence[Mapping[str, Any]]
    ) -> list[ImportStatus]:
        """The status of each job's row (without its upload), in order."""
        found = await self.details(session, rows) if self.details and rows else {}
        return [self.status.of(row, self.base_path, found.get(row["id"])) for row in rows]

    def wake_key(self) -> str:
        return f"{self.service}:imports:wake"

    def progress_key(self, import_id: object) -> str:
        return f"{self.service}:import:{import_id}"
