"""A bulk import finished: every service's imports announce it, for their uploader."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from kombel_events.base import IntegrationEvent
from kombel_events.topics import IMPORTS, Topic


class ImportFinished(IntegrationEvent):
    event_type: ClassVar[str] = "kombel.imports.import.finished.v1"
    topic: ClassVar[Topic] = IMPORTS

    import_id: UUID
    service: str = Field(description="membership, activities, …")
    kind: str = Field(description="people, registrations, attendance, …")
    dry_run: bool
    status: str = Field(description="succeeded | failed | cancelled")
    uploader_person_id: UUID | None = Field(
        default=None, description="Orang pengunggah, bila tokennya menyebut orangnya"
    )
    filename: str | None = None
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    finished_at: datetime

    def subject(self) -> str:
        return str(self.import_id)
