from pathlib import Path

import pytest
from kombel_runtime.auth import JwksSource, Role, TokenVerifier
from kombel_runtime.cli import main
from kombel_runtime.dev_issuer import DEV_AUDIENCE, DEV_ISSUER


async def test_kombel_token_prints_a_token_the_services_accept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--data-dir", str(tmp_path), "token", "--role", "principal", "--npsn", "10203040"])
    token = capsys.readouterr().out.strip()
    assert code == 0
    verifier = TokenVerifier(
        JwksSource(path=tmp_path / "dev-issuer" / "jwks.json"),
        issuer=DEV_ISSUER,
        audience=DEV_AUDIENCE,
    )
    principal = await verifier.verify(token)
    assert principal.roles == {Role.PRINCIPAL}
    assert principal.npsn == "10203040"


def test_kombel_token_refuses_production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMBEL_ENVIRONMENT", "production")
    from kombel_runtime.dev_issuer import DevIssuerRefused

    with pytest.raises(DevIssuerRefused):
        main(["--data-dir", str(tmp_path), "token", "--role", "member"])
