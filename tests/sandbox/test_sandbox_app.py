"""The ASGI entry points: `create_app(settings)` and the lazily built module-level `app`."""

from __future__ import annotations

import asyncio

import httpx2
import pytest
from fastapi import FastAPI

import sandbox.app
from sandbox.app import LazyApp, create_app
from sandbox.settings import MEMORY_DB, SandboxSettings


def test_importing_the_module_builds_nothing() -> None:
    assert isinstance(sandbox.app.app, LazyApp)
    assert sandbox.app.app._app is None


def test_lazy_app_builds_once_on_first_use() -> None:
    built: list[int] = []

    def factory() -> FastAPI:
        built.append(1)
        return create_app(SandboxSettings(contracts=40, db=MEMORY_DB))

    lazy = LazyApp(factory)

    async def calls() -> list[int]:
        transport = httpx2.ASGITransport(app=lazy)
        async with httpx2.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            responses = await asyncio.gather(*(client.get("/v1/healthz") for _ in range(5)))
            token = await client.post(
                "/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", "demo-secret")
            )
            meta = await client.get("/v1/meta", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        return [r.status_code for r in responses] + [meta.json()["contracts"]]

    assert asyncio.run(calls()) == [200] * 5 + [40]
    assert built == [1]


def test_module_app_reads_its_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_CONTRACTS", "40")
    monkeypatch.setenv("SANDBOX_DB", ":memory:")
    monkeypatch.setenv("SANDBOX_REGION", "ap-southeast-2")
    fresh = LazyApp(sandbox.app.app._factory)

    async def call() -> httpx2.Response:
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fresh), base_url="http://sandbox") as client:
            return await client.get("/v1/healthz")

    assert asyncio.run(call()).headers["x-clm-region"] == "ap-southeast-2"
