"""The sandbox's test authorization server: a signing key ring, user tokens (JWT), their verification.

One ES256 key per process, generated at start and never written anywhere; `rotate()` adds a new
current key and keeps the old ones in the JWK set, so tokens signed before a rotation still verify
(as at a real identity provider). Wall-clock time (JWT `exp`/`iat`/`nbf` are Unix seconds).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sandbox.users import DemoUser, UserScope

if TYPE_CHECKING:
    # joserfc (and the cryptography it loads, ~25 ms) is imported when a token is first issued or verified: the
    # stdio demo, which never uses this test authorization server, does not pay for it on its first call.
    from joserfc.jwk import ECKey

ALGORITHM: Final = "ES256"
Clock = Callable[[], float]


class SubjectTokenError(Exception):
    """A subject token that does not verify; the message says why (no token material in it)."""


class KeyRing:
    """Signing keys of this process: the newest signs, all of them verify."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: list[ECKey] = []  # the first key is made on first use

    @staticmethod
    def _new_key() -> ECKey:
        from joserfc.jwk import ECKey

        kid = f"sandbox-{secrets.token_hex(8)}"
        return ECKey.generate_key("P-256", parameters={"kid": kid, "use": "sig", "alg": ALGORITHM}, private=True)

    def _all(self) -> list[ECKey]:
        with self._lock:
            if not self._keys:
                self._keys.append(self._new_key())
            return list(self._keys)

    @property
    def current(self) -> ECKey:
        return self._all()[-1]

    def rotate(self) -> str:
        """Add a new current key (the old ones stay published); its kid."""
        self._all()  # the first key stays published beside the new one
        key = self._new_key()
        with self._lock:
            self._keys.append(key)
        return str(key.kid)

    def kids(self) -> list[str]:
        return [str(k.kid) for k in self._all()]

    def jwks(self) -> dict[str, Any]:
        """The public JWK set (RFC 7517)."""
        from joserfc.jwk import KeySet

        return dict(KeySet(self._all()).as_dict(private=False))  # type: ignore[arg-type]

    def key_for(self, kid: str | None) -> ECKey | None:
        return next((k for k in self._all() if kid is not None and k.kid == kid), None)


@dataclass(frozen=True)
class VerifiedSubject:
    user_id: str
    audience: tuple[str, ...]
    scopes: frozenset[UserScope]
    expires_at: int


class IdentityProvider:
    def __init__(self, ttl_seconds: int, clock: Clock = time.time) -> None:
        self.ttl_seconds = ttl_seconds
        self.keys = KeyRing()
        self._clock = clock

    def now(self) -> int:
        return int(self._clock())

    def issue(
        self,
        *,
        issuer: str,
        user: DemoUser,
        audience: str,
        scopes: Iterable[UserScope],
        client_id: str,
        lifetime: int | None = None,
        not_before: int | None = None,
    ) -> tuple[str, int]:
        """A signed user access token (RFC 9068 shape) and its lifetime in seconds."""
        from joserfc import jwt

        now = self.now()
        lifetime = self.ttl_seconds if lifetime is None else lifetime
        claims = {
            "iss": issuer,
            "sub": user.user_id,
            "aud": audience,
            "exp": now + lifetime,
            "iat": now,
            "nbf": now if not_before is None else not_before,
            "jti": secrets.token_urlsafe(16),
            "scope": " ".join(sorted(s.value for s in scopes)),
            "client_id": client_id,
            "name": user.name,
            "email": user.email,
        }
        key = self.keys.current
        header = {"alg": ALGORITHM, "typ": "at+jwt", "kid": str(key.kid)}
        return jwt.encode(header, claims, key, algorithms=[ALGORITHM]), lifetime

    def verify(self, token: str, *, issuer: str, leeway: int = 5) -> VerifiedSubject:
        """Check signature (our keys only), issuer, exp and nbf; the subject it speaks for."""
        from joserfc import jws, jwt
        from joserfc.errors import JoseError

        try:
            header = jws.extract_compact(token.encode("ascii")).protected
        except (JoseError, ValueError, UnicodeEncodeError) as exc:
            raise SubjectTokenError("the subject token is not a compact JWS") from exc
        if header.get("alg") != ALGORITHM:
            raise SubjectTokenError(f"the subject token must be signed with {ALGORITHM}")
        key = self.keys.key_for(header.get("kid"))
        if key is None:
            raise SubjectTokenError("the subject token was not signed by a key of this issuer (unknown kid)")
        try:
            decoded = jwt.decode(token, key, algorithms=[ALGORITHM])
        except (JoseError, ValueError) as exc:
            raise SubjectTokenError("the subject token's signature does not verify") from exc
        claims = decoded.claims
        now = self.now()
        if claims.get("iss") != issuer:
            raise SubjectTokenError("the subject token was issued by another issuer")
        exp, nbf = claims.get("exp"), claims.get("nbf", 0)
        if not isinstance(exp, int) or exp <= now - leeway:
            raise SubjectTokenError("the subject token has expired")
        if not isinstance(nbf, int) or nbf > now + leeway:
            raise SubjectTokenError("the subject token is not valid yet")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise SubjectTokenError("the subject token has no subject")
        aud = claims.get("aud")
        audience = (aud,) if isinstance(aud, str) else tuple(a for a in aud if isinstance(a, str)) if aud else ()
        raw_scope = claims.get("scope", "")
        names = raw_scope.split() if isinstance(raw_scope, str) else []
        scopes = frozenset(s for s in UserScope if s.value in names)
        return VerifiedSubject(user_id=sub, audience=audience, scopes=scopes, expires_at=exp)
