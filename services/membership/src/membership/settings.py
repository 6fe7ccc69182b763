"""Settings of the membership service (shared ones come from the runtime)."""

from kombel_runtime.service import ServiceRuntime
from kombel_runtime.settings import ServiceSettings
from pydantic import Field


class MembershipSettings(ServiceSettings):
    import_max_bytes: int = Field(default=30 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=200_000, ge=1)
    # The refused and matched rows of an import (errors.csv, matches.csv) hold personal data.
    import_rows_retention_days: int = Field(default=30, ge=1)


def membership_settings(runtime: ServiceRuntime) -> MembershipSettings:
    """The service's settings, which are always of this class (see `app.definition`)."""
    settings = runtime.settings
    assert isinstance(settings, MembershipSettings)
    return settings
