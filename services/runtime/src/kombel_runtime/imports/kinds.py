"""What an import kind reads: its columns, the headers people give them, its template."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from kombel_runtime.imports.job import Chunk, Job


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as the template writes it
    aliases: tuple[str, ...]
    required: bool
    example: str


# Decides a chunk of valid rows: marks errors, duplicates and updates, and queues the writes.
Apply = Callable[[AsyncSession, "Job", "Chunk"], Awaitable[None]]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    draft: type[BaseModel]
    columns: tuple[Column, ...]
    # Groups of fields of which a file must have at least one column.
    required_any: tuple[tuple[str, ...], ...] = ()

    def template_rows(self) -> list[list[str]]:
        return [[c.header for c in self.columns], [c.example for c in self.columns]]


def header_key(text: str) -> str:
    """Headers compare without case, spaces, dots or slashes: 'No. HP/WA' is 'nohpwa'."""
    return re.sub(r"[^a-z0-9]", "", text.lower())
