"""Settings of the membership service (shared ones come from the runtime)."""

from kombel_runtime.imports.settings import ImportSettings
from kombel_runtime.service import ServiceRuntime


class MembershipSettings(ImportSettings):
    """Membership's own settings are its imports' (limits, retention) for now."""


def membership_settings(runtime: ServiceRuntime) -> MembershipSettings:
    """The service's settings, which are always of this class (see `app.definition`)."""
    settings = runtime.settings
    assert isinstance(settings, MembershipSettings)
    return settings
