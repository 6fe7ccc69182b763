"""Settings of a service that imports spreadsheets: how big a file, how long rows are kept."""

from pydantic import Field

from kombel_runtime.imports.sheet_limits import MAX_COLUMNS, ROW_SLACK, SheetLimits
from kombel_runtime.service import ServiceRuntime
from kombel_runtime.settings import ServiceSettings


class ImportSettings(ServiceSettings):
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


def import_settings(runtime: ServiceRuntime) -> ImportSettings:
    """The settings of a service that imports, which derive from this class."""
    settings = runtime.settings
    assert isinstance(settings, ImportSettings)
    return settings


def upload_bytes(settings: ServiceSettings) -> int:
    """The body limit of an upload route (`UploadRoute`) of a service that imports."""
    assert isinstance(settings, ImportSettings)
    return settings.import_max_bytes
