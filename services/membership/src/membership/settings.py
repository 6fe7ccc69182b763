"""Settings of the membership service (shared ones come from the runtime)."""

from kombel_runtime.service import ServiceRuntime
from kombel_runtime.settings import ServiceSettings
from pydantic import Field

from membership.imports.sheet_limits import MAX_COLUMNS, ROW_SLACK, SheetLimits


class MembershipSettings(ServiceSettings):
    import_max_bytes: int = Field(default=30 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=200_000, ge=1)
    import_max_columns: int = Field(default=MAX_COLUMNS, ge=1, le=16_384)
    # An Excel upload is parsed in a child process held to these (see imports/excel_sandbox).
    import_sheet_memory_mb: int = Field(default=1024, ge=256)
    import_sheet_seconds: float = Field(default=120.0, gt=0)
    import_sheet_max_unzipped_mb: int = Field(default=512, ge=1)
    # The refused and matched rows of an import (errors.csv, matches.csv) hold personal data.
    import_rows_retention_days: int = Field(default=30, ge=1)

    def sheet_limits(self) -> SheetLimits:
        return SheetLimits(
            max_rows=self.import_max_rows + ROW_SLACK,
            max_columns=self.import_max_columns,
            max_unzipped_bytes=self.import_sheet_max_unzipped_mb * 1024 * 1024,
            # Held by the service: twice the largest CSV upload (the benchmark's 100,000 rows
            # of XLSX make 9 MB).
            max_csv_bytes=2 * self.import_max_bytes,
            memory_bytes=self.import_sheet_memory_mb * 1024 * 1024,
            seconds=self.import_sheet_seconds,
        )


def membership_settings(runtime: ServiceRuntime) -> MembershipSettings:
    """The service's settings, which are always of this class (see `app.definition`)."""
    settings = runtime.settings
    assert isinstance(settings, MembershipSettings)
    return settings
