"""The MCP server as an OAuth 2.0 resource server (remote mode): every bearer token is verified here.

A user token is accepted only when it is a JWT signed by a key of the issuer's JWKS (asymmetric
algorithms only), its `iss` is the configured issuer, its `aud` names this server's canonical URL
(RFC 8707 / RFC 9068), it has not expired and is already valid (`exp`/`nbf`/`iat`, a small leeway),
and it names a subject. Anything else is "no valid token": the SDK's middleware then answers 401
with `WWW-Authenticate: Bearer resource_metadata=...` before any backend request is made.

Key rotation: a token signed with a `kid` the cached JWKS does not hold makes the JWKS be fetched
again, at most once per `JWKS_REFETCH_INTERVAL` (so a flood of forged kids cannot turn into a flood
of requests to the issuer); a key that left the JWKS stops verifying as soon as it is refetched.

joserfc is imported here only, and this module by `serve` only: the stdio start never pays for it
(see plugin.server.remote for the measured cost).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx2
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact
from mcp.server.auth.provider import AccessToken

from plugin.observability.logging import get_logger
from plugin.transport.users import VerifiedUser

log = get_logger(__name__)

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
JWKS_REFETCH_INTERVAL = 30.0  # seconds between JWKS fetches caused by unknown kids
JWKS_RETRY_INTERVAL = 1.0  # seconds between attempts while no JWKS could be fetched at all
MAX_JWKS_BYTES = 256 * 1024
MAX_TOKEN_CHARS = 16 * 1024


class JwksUnavailable(Exception):
    """The issuer's JWKS (or its metadata) could not be fetched or parsed."""


@dataclass
class RefusalCounts:
    """Why tokens were refused, by reason (read by tests and /readyz diagnostics)."""

    counts: dict[str, int]

    def add(self, reason: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1


class JwtVerifier:
    """`mcp.server.auth.provider.TokenVerifier` for JWT access tokens, keys from the issuer's JWKS."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        leeway: float = 30.0,
        http: httpx2.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self._jwks_url = jwks_url
        self._leeway = int(leeway)
        self._http = http or httpx2.AsyncClient(timeout=httpx2.Timeout(5.0))
        self._owns_http = http is None
        self._clock = clock
        self._keys: KeySet | None = None
        self._kids: frozenset[str] = frozenset()
        self._fetched_at = -1e18
        self._forced_at = -1e18  # the last refetch an unknown kid caused (rate-limited)
        self._lock = asyncio.Lock()
        self.jwks_fetches = 0
        self.refusals = RefusalCounts({})

    @property
    def ready(self) -> bool:
        """The JWKS has been loaded at least once (readiness)."""
        return self._keys is not None

    async def jwks_url(self) -> str:
        if self._jwks_url is None:
            metadata = await self._metadata()
            candidate = metadata.get("jwks_uri")
            if not isinstance(candidate, str) or not candidate.startswith(("https://", "http://")):
                raise JwksUnavailable("the issuer's metadata names no jwks_uri")
            if metadata.get("issuer") not in {self.issuer, self.issuer + "/"}:
                raise JwksUnavailable("the issuer's metadata names another issuer")
            self._jwks_url = candidate
        return self._jwks_url

    async def _metadata(self) -> dict[str, Any]:
        """The issuer's metadata, which names its JWKS: RFC 8414 (the well-known segment before the issuer's path),
        then OpenID Connect Discovery (`{issuer}/.well-known/openid-configuration`, what most IdPs serve)."""
        split = urlsplit(self.issuer)
        path = split.path.rstrip("/")
        candidates = [
            f"{split.scheme}://{split.netloc}/.well-known/oauth-authorization-server{path}",
            f"{self.issuer}/.well-known/openid-configuration",
        ]
        problems = []
        for url in candidates:
            try:
                return await self._get_json(url)
            except JwksUnavailable as exc:
                problems.append(str(exc))
        raise JwksUnavailable("; ".join(problems))

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url, headers={"Accept": "application/json"})
        except httpx2.HTTPError as exc:
            raise JwksUnavailable(f"{url} cannot be reached ({type(exc).__name__})") from None
        if response.status_code != 200 or len(response.content) > MAX_JWKS_BYTES:
            raise JwksUnavailable(f"{url} answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise JwksUnavailable(f"{url} returned malformed JSON") from None
        if not isinstance(body, dict):
            raise JwksUnavailable(f"{url} returned no JSON object")
        return body

    async def load(self, *, force: bool = False) -> None:
        """Fetch the JWKS (at start-up, and again on an unknown kid, rate-limited)."""
        async with self._lock:
            now = time.monotonic()
            if self._keys is not None and (not force or now - self._forced_at < JWKS_REFETCH_INTERVAL):
                return  # loaded, and either no refetch asked for or the last unknown-kid refetch is too recent
            if self._keys is None and now - self._fetched_at < JWKS_RETRY_INTERVAL:
                raise JwksUnavailable("the JWKS could not be fetched a moment ago; not asking again yet")
            self._fetched_at = now
            if force:
                self._forced_at = now
            body = await self._get_json(await self.jwks_url())
            try:
                keys = KeySet.import_key_set(body)  # type: ignore[arg-type]
            except (JoseError, ValueError, TypeError, KeyError) as exc:
                raise JwksUnavailable(f"the JWKS cannot be parsed ({type(exc).__name__})") from None
            self._keys = keys
            self._kids = frozenset(str(k.kid) for k in keys.keys if k.kid)
            self.jwks_fetches += 1
            log.info("jwks_loaded", keys=len(keys.keys))

    async def verify_token(self, token: str) -> AccessToken | None:
        user = await self.verify(token)
        if user is None:
            return None
        return AccessToken(
            token=token,
            client_id=user.client_id or "",
            scopes=sorted(user.scopes),
            expires_at=user.expires_at,
            resource=self.audience,
            subject=user.subject,
            claims={"iss": user.issuer},
        )

    async def verify(self, token: str) -> VerifiedUser | None:
        """The verified user of `token`, or None (the reason is logged and counted, never the token)."""
        try:
            return await self._verify(token)
        except _Refused as refused:
            self.refusals.add(refused.reason)
            log.info("token_refused", reason=refused.reason)
            return None

    async def _verify(self, token: str) -> VerifiedUser:
        if len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
            raise _Refused("malformed")
        try:
            header = extract_compact(token.encode("ascii")).protected
        except (JoseError, ValueError, UnicodeError):
            raise _Refused("malformed") from None
        if header.get("alg") not in ALGORITHMS:
            raise _Refused("algorithm")
        kid = header.get("kid")
        try:
            if self._keys is None:
                await self.load()
            if isinstance(kid, str) and kid not in self._kids:
                await self.load(force=True)  # rotation: maybe a new key (rate-limited)
        except JwksUnavailable as exc:
            log.warning("jwks_unavailable", error=str(exc))
            raise _Refused("jwks_unavailable") from None
        assert self._keys is not None
        if isinstance(kid, str) and kid not in self._kids:
            raise _Refused("unknown_kid")
        try:
            decoded = jwt.decode(token, self._keys, algorithms=list(ALGORITHMS))
        except JoseError:
            raise _Refused("signature") from None
        claims = decoded.claims
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self._clock()),
            leeway=self._leeway,
            iss={"essential": True, "values": [self.issuer, self.issuer + "/"]},
            aud={"essential": True, "value": self.audience},
            sub={"essential": True},
            exp={"essential": True},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            claim = getattr(exc, "claim", "") or type(exc).__name__
            raise _Refused(f"claim:{claim}") from None
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject or len(subject) > 256:
            raise _Refused("claim:sub")
        raw_scope = claims.get("scope", claims.get("scp", ""))
        scopes = frozenset(raw_scope.split() if isinstance(raw_scope, str) else [str(s) for s in raw_scope or []])
        client_id = claims.get("client_id", claims.get("azp"))
        expires = claims.get("exp")
        return VerifiedUser(
            subject=subject,
            issuer=self.issuer,
            scopes=scopes,
            token=token,
            client_id=client_id if isinstance(client_id, str) else None,
            expires_at=int(expires) if isinstance(expires, int | float) else None,
        )

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
