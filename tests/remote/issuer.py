"""A test-only JWT issuer (metadata + JWKS over loopback HTTP), for the cases the sandbox's authorization
server cannot produce on purpose: another issuer's keys, a tampered signature, a kid it never published."""

from __future__ import annotations

import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


class TestIssuer:
    __test__ = False  # not a test class

    def __init__(self, *, metadata_path: str = "/.well-known/oauth-authorization-server") -> None:
        self.url = ""  # set once served
        self.metadata_path = metadata_path
        self.keys: list[ECKey] = [ECKey.generate_key("P-256", parameters={"kid": "k1"}, private=True)]
        self.jwks_requests = 0

    def rotate(self) -> None:
        self.keys.append(ECKey.generate_key("P-256", parameters={"kid": f"k{len(self.keys) + 1}"}, private=True))

    def app(self) -> Starlette:
        async def metadata(_: Request) -> JSONResponse:
            return JSONResponse(
                {"issuer": self.url, "jwks_uri": f"{self.url}/oauth/jwks", "token_endpoint": f"{self.url}/oauth/token"}
            )

        async def jwks(_: Request) -> JSONResponse:
            self.jwks_requests += 1
            return JSONResponse(KeySet(list(self.keys)).as_dict(private=False))

        return Starlette(
            routes=[
                Route(self.metadata_path, metadata),
                Route("/oauth/jwks", jwks),
            ]
        )

    def mint(
        self,
        subject: str = "alice",
        *,
        audience: str | list[str],
        scope: str = "read:contracts read:documents write:annotations",
        lifetime: int = 600,
        not_before: int | None = None,
        issuer: str | None = None,
        key: ECKey | None = None,
        kid: str | None = None,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        signing = key or self.keys[-1]
        claims = {
            "iss": self.url if issuer is None else issuer,
            "sub": subject,
            "aud": audience,
            "iat": now,
            "nbf": now if not_before is None else not_before,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            "scope": scope,
            "client_id": "test-mcp-client",
            **extra,
        }
        header = {"alg": "ES256", "kid": kid or signing.kid}
        return jwt.encode(header, claims, signing)
