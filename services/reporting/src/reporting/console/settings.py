"""What the console's pages need to know about signing in."""

from kombel_runtime.settings import Environment, ServiceSettings


class ConsoleSettings(ServiceSettings):
    # The OIDC issuer the browser signs in with (authorization code with PKCE); the issuer of
    # the tokens (`auth_issuer`) when not set. Under compose: http://localhost:8080/realms/kombel.
    console_oidc_issuer: str | None = None
    # The public client of the console at the issuer (no secret: PKCE protects the code).
    console_oidc_client_id: str = "kombel-console"

    @property
    def console_dev_sign_in(self) -> bool:
        """Whether the console offers the dev sign-in (the embedded stack's own issuer)."""
        return (
            self.dev_issuer_enabled
            and self.environment is not Environment.PRODUCTION
            and self.auth_jwks_path is not None
        )

    @property
    def console_issuer(self) -> str:
        return self.console_oidc_issuer or self.auth_issuer
