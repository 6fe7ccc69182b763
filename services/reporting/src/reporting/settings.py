"""Settings of the reporting service."""

from pydantic import Field

from reporting.console.settings import ConsoleSettings


class ReportingSettings(ConsoleSettings):
    # Dashboards' answers are kept this long in Redis (0 turns the cache off): a province
    # office refreshing the same page costs one read of the read models per few seconds.
    reporting_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    # How often the week's standing (communities active per kabupaten/kota) is recorded: the
    # last record before a week ends is that week's figure in the weekly series.
    reporting_standing_every_s: float = Field(default=900.0, ge=10, le=86_400)
