"""The sandbox app is built without importing pydantic.v1, and FastAPI still refuses a v1 model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BUILD_AND_SERVE = """
import sys, httpx2, anyio
from sandbox.app import create_app
from sandbox.settings import SandboxSettings
app = create_app(SandboxSettings(contracts=5, db=sys.argv[1]))
async def main():
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://sandbox") as client:
        health = await client.get("/v1/healthz")
        denied = await client.get("/v1/contracts")  # no token: the problem document goes through the encoders
    print(health.status_code, denied.status_code, "pydantic.v1" in sys.modules)
anyio.run(main)
"""

V1_ROUTE = """
import warnings
warnings.simplefilter("ignore")
from pydantic import v1
import sandbox.routes  # the checks are in place
from fastapi import APIRouter
from fastapi.exceptions import PydanticV1NotSupportedError
class Old(v1.BaseModel):
    a: int
router = APIRouter()
try:
    @router.post("/old")
    def old(body: Old) -> None: ...
except PydanticV1NotSupportedError:
    print("refused")
"""


def run(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_app_is_built_and_serves_without_pydantic_v1(tmp_path: Path) -> None:
    assert run(BUILD_AND_SERVE, str(tmp_path / "clm.db")) == "200 401 False"


def test_a_pydantic_v1_model_is_still_refused_once_v1_is_imported() -> None:
    assert run(V1_ROUTE) == "refused"
