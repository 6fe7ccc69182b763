"""Settings of the membership service (shared ones come from the runtime)."""

from kombel_runtime.settings import ServiceSettings
from pydantic import Field


class MembershipSettings(ServiceSettings):
    import_max_bytes: int = Field(default=30 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=200_000, ge=1)
