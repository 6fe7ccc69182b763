"""What the console's pages need to know about signing in.

The dev sign-in follows the shared settings alone (where the dev issuer runs); the OIDC client
may be set apart from the token issuer by the service's settings when they are
`ConsoleSettings`, else it is the token issuer and the client `kombel-console`.
"""

from dataclasses import dataclass

from kombel_runtime.settings import Environment, ServiceSettings

DEFAULT_CLIENT_ID = "kombel-console"


class ConsoleSettings(ServiceSettings):
    # The OIDC issuer the browser signs in with (authorization code with PKCE); the issuer of
    # the tokens (`auth_issuer`) when not set. Under compose: http://localhost:8080/realms/kombel.
    console_oidc_issuer: str | None = None
    # The public client of the console at the issuer (no secret: PKCE protects the code).
    console_oidc_client_id: str = DEFAULT_CLIENT_ID


@dataclass(frozen=True)
class OidcClient:
    issuer: str
    client_id: str


def dev_sign_in_offered(settings: ServiceSettings) -> bool:
    """Whether the console offers the dev sign-in: only beside the embedded stack's issuer,
    never under production settings."""
    return (
        settings.dev_issuer_enabled
        and settings.environment is not Environment.PRODUCTION
        and settings.auth_jwks_path is not None
    )


def oidc_client(settings: ServiceSettings) -> OidcClient:
    if isinstance(settings, ConsoleSettings):
        return OidcClient(
            settings.console_oidc_issuer or settings.auth_issuer, settings.console_oidc_client_id
        )
    return OidcClient(settings.auth_issuer, DEFAULT_CLIENT_ID)
