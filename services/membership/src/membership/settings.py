"""Settings of the membership service (shared ones come from the runtime)."""

from kombel_runtime.settings import ServiceSettings


class MembershipSettings(ServiceSettings):
    pass
