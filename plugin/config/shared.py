"""Shared state for replicas: one setting, `<env_prefix>STATE_URL`, selects Redis for every store.

Unset (the default), each store keeps its local form: the key ring file and report files in the
state directory, tokens in the process. Set to `redis://HOST:PORT/DB`, `rediss://…` (TLS) or
`unix:///path/to/socket`, the key ring, the report store and the token cache live in that Redis,
so any replica can verify what another signed, read what another stored, and reuse the token
another fetched. Every key is under `<identity name>:` so one Redis can serve several plugins.

Security expectations (docs/deploy.md): whoever can read this Redis holds the installation's
signing keys (can forge confirmations and cursors) and the backend tokens' encryption key; use AUTH
(a password or ACL user in the URL, never logged) and TLS (`rediss://`) off the loopback, keep it
on a private network, and give it no persistence you would not give the key ring file.

redis-py is imported only when the setting is used, so the stdio start-up pays nothing for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import redis
    import redis.asyncio

SCHEMES = frozenset({"redis", "rediss", "unix"})
SOCKET_TIMEOUT = 5.0  # seconds: a Redis that stops answering fails the call, not the whole replica forever


def check_state_url(url: str) -> str | None:
    """Why `url` cannot be a state URL (no part of it quoted: it may hold a password), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a URL"
    if parts.scheme not in SCHEMES:
        return "must start with redis://, rediss:// (TLS) or unix://"
    if parts.scheme != "unix" and not parts.hostname:
        return "names no host"
    return None


def state_host(url: str) -> str:
    """The host of a state URL (for the loopback/TLS check), '' for a unix socket."""
    parts = urlsplit(url)
    return "" if parts.scheme == "unix" else (parts.hostname or "")


def password_of(url: str) -> str | None:
    """The AUTH password in a state URL, to register with the redaction net."""
    return urlsplit(url).password


def namespace(name: str) -> str:
    """The prefix of every key this plugin writes (the identity's name)."""
    return f"{name}:"


def _options() -> dict[str, Any]:
    return {
        "socket_timeout": SOCKET_TIMEOUT,
        "socket_connect_timeout": SOCKET_TIMEOUT,
        "health_check_interval": 30,
        "decode_responses": False,
    }


def sync_client(url: str) -> redis.Redis:
    """A blocking client, for what runs once before the event loop (loading the key ring)."""
    import redis

    return redis.Redis.from_url(url, **_options())


def async_client(url: str) -> redis.asyncio.Redis:
    """The asyncio client (its own connection pool) for the report store and the token cache."""
    import redis.asyncio

    return redis.asyncio.Redis.from_url(url, **_options())


# Compare-and-delete: release a lock only if it is still ours (it may have expired and been taken by another).
RELEASE_LOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""
