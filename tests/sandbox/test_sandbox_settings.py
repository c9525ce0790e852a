"""Settings: defaults, environment, and the round trip a child process relies on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from sandbox.api_models import Scope
from sandbox.settings import DEMO_AS_OF, ClientConfig, SandboxSettings


def test_defaults() -> None:
    settings = SandboxSettings()
    assert (settings.host, settings.port, settings.contracts, settings.seed) == ("127.0.0.1", 8765, 300, 7)
    assert settings.as_of == date.today(), "the demo is dated today, not frozen"
    assert date(2026, 11, 24) == DEMO_AS_OF, "the fixed date tests pass explicitly"
    assert settings.db is None and settings.token_ttl_seconds == 3600 and settings.region == "eu-west-1"
    assert settings.test_endpoints is False and settings.rate_limit_per_minute == 6000
    clients = {c.client_id: (c.client_secret.get_secret_value(), set(c.scopes)) for c in settings.clients}
    assert clients == {
        "demo-client": ("demo-secret", set(Scope)),
        "readonly-client": ("readonly-secret", {Scope.READ_CONTRACTS, Scope.READ_DOCUMENTS}),
        "metadata-client": ("metadata-secret", {Scope.READ_CONTRACTS}),
    }
    assert SandboxSettings().cursor_secret != settings.cursor_secret, "random per process unless set"
    assert "demo-secret" not in repr(settings)


def test_environment_round_trip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    custom = SandboxSettings(
        contracts=42,
        seed=3,
        db=tmp_path / "x.db",
        as_of=date(2025, 1, 31),
        token_ttl_seconds=5,
        region="us-east-1",
        test_endpoints=True,
        clients=[ClientConfig(client_id="c", client_secret=SecretStr("s p@ce"), scopes=[Scope.READ_CONTRACTS])],
    )
    for name, value in custom.to_env().items():
        monkeypatch.setenv(name, value)
    restored = SandboxSettings()
    assert restored.model_dump(exclude={"clients", "cursor_secret"}) == custom.model_dump(
        exclude={"clients", "cursor_secret"}
    )
    assert restored.cursor_secret.get_secret_value() == custom.cursor_secret.get_secret_value()
    assert restored.clients[0].client_secret.get_secret_value() == "s p@ce"


@pytest.mark.parametrize(
    "bad", [{"token_ttl_seconds": 0}, {"contracts": 0}, {"port": 70000}, {"rate_limit_per_minute": 0}]
)
def test_invalid_settings_are_refused(bad: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        SandboxSettings(**bad)  # type: ignore[arg-type]
