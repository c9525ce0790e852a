"""Transport policy (issue 13: 5, 10): no plain-text remote backend, no credentials in URLs, not even in doctor."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from plugin.config.settings import SettingsError, load_settings
from tests.conftest import ROOT
from tests.plugin_parts import IDENTITY

BASE, TOKEN = IDENTITY.env("base_url"), IDENTITY.env("token_url")


def env_with(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(IDENTITY.env_prefix)}
    env.update({IDENTITY.env(name): value for name, value in values.items()})
    return env


def complete(**values: str) -> dict[str, str]:
    return {
        "base_url": "https://clm.example.com/api",
        "token_url": "https://clm.example.com/oauth/token",
        "client_id": "c",
        "client_secret": "s3cret-value",
        **values,
    }


def settings_error(monkeypatch: pytest.MonkeyPatch, **values: str) -> str:
    for name, value in complete(**values).items():
        monkeypatch.setenv(IDENTITY.env(name), value)
    with pytest.raises(SettingsError) as caught:
        load_settings(IDENTITY)
    return str(caught.value)


@pytest.mark.parametrize("name", ["base_url", "token_url"])
def test_plain_http_to_a_remote_host_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    message = settings_error(monkeypatch, **{name: "http://clm.example.com/x"})
    assert IDENTITY.env(name) in message and "http://" in message
    assert IDENTITY.env("allow_insecure_http") in message


def test_plain_http_is_allowed_on_loopback_and_when_explicitly_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "127.5.6.7"):
        for name, value in complete(base_url=f"http://{host}/api", token_url=f"http://{host}/oauth/token").items():
            monkeypatch.setenv(IDENTITY.env(name), value)
        assert str(load_settings(IDENTITY).base_url).startswith("http://")
    for name, value in complete(base_url="http://lab.internal/api").items():
        monkeypatch.setenv(IDENTITY.env(name), value)
    monkeypatch.setenv(IDENTITY.env("allow_insecure_http"), "true")
    assert load_settings(IDENTITY).base_url is not None


@pytest.mark.parametrize("name", ["base_url", "token_url"])
def test_credentials_in_a_url_are_refused_and_never_repeated(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    message = settings_error(monkeypatch, **{name: "https://alice:hunter2pass@clm.example.com/x"})
    assert IDENTITY.env(name) in message and "user:password@" in message
    assert "hunter2pass" not in message and "alice" not in message


def test_server_start_and_doctor_refuse_and_never_print_the_password() -> None:
    env = env_with(**complete(base_url="https://alice:hunter2pass@clm.example.com/api"))
    for args in ([], ["doctor"]):
        done = subprocess.run(
            [sys.executable, str(ROOT / "server.py"), *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert done.returncode != 0, (args, done.stdout[-500:], done.stderr[-500:])
        assert "hunter2pass" not in done.stdout + done.stderr
        assert BASE in done.stdout + done.stderr
    env = env_with(**complete(base_url="http://clm.example.com/api"))
    done = subprocess.run(
        [sys.executable, str(ROOT / "server.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode != 0 and BASE in done.stderr and "http://" in done.stderr, done.stderr[-800:]
    assert done.stdout == ""  # stdout is the protocol channel
