"""Start the sandbox for tests and benchmarks: in a background thread, or as a child process.

`running_sandbox(settings)` serves the app with uvicorn on 127.0.0.1 (an ephemeral port) in a
thread of this process and yields its base URL. `SandboxProcess` runs `python -m sandbox` as a
subprocess, for tests that kill the server mid-call and restart it on the same port.

Identity: `user_token(base_url, "alice", resource=...)` gets a demo user's token from a running
sandbox's authorization server (the demo password grant); `mint_user_token` (test endpoints) one
with chosen times; `token_exchanges(base_url)` counts exchanges per user; `visible_contract_ids`
is the permission truth (which contracts each demo user may see), computed from the rows.

Unless `settings.db` names a file, each server gets its own fresh database: a copy of the
cached corpus build, so tests never see each other's annotations.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from sandbox.__main__ import READY_MARKER
from sandbox.app import create_app
from sandbox.listen import tcp_listener
from sandbox.settings import MEMORY_DB, SandboxSettings
from sandbox.store.database import cached_corpus, copy_database
from sandbox.users import DemoUser, default_users, permission_truth

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _private_settings(settings: SandboxSettings | None) -> SandboxSettings:
    settings = settings or SandboxSettings()
    return settings if settings.db is not None else settings.model_copy(update={"db": MEMORY_DB})


@contextlib.contextmanager
def running_sandbox(settings: SandboxSettings | None = None, *, startup_timeout: float = 120.0) -> Iterator[str]:
    """Serve the sandbox on 127.0.0.1 (port chosen by the OS) for the duration of the block; yield its URL."""
    with serving(create_app(_private_settings(settings)), startup_timeout=startup_timeout) as url:
        yield url


@contextlib.contextmanager
def serving(app: ASGIApp, *, startup_timeout: float = 120.0) -> Iterator[str]:
    """Serve an app already made (e.g. to look at its state afterwards) on 127.0.0.1; yield its URL."""
    listener = tcp_listener("127.0.0.1", 0)
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="sandbox-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the sandbox server thread exited during start-up")
            if time.monotonic() > deadline:
                raise TimeoutError("the sandbox server did not start in time")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/v1/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


class SandboxProcess:
    """`python -m sandbox` as a child process on 127.0.0.1; restarts keep the port, data and cursor secret.

    Use as a context manager (or call `start()` and `close()`): `base_url` is valid after `start()`.
    """

    def __init__(self, settings: SandboxSettings | None = None, *, startup_timeout: float = 120.0) -> None:
        settings = settings or SandboxSettings()
        self._workdir = Path(tempfile.mkdtemp(prefix="sandbox-process-"))
        if settings.db is None or settings.is_memory_db:
            # One private copy for the life of this object: a restart sees what was written before.
            private = self._workdir / "sandbox.db"
            copy_database(cached_corpus(settings.corpus, settings.cache_dir), private)
            settings = settings.model_copy(update={"db": private})
        self.settings = settings.model_copy(update={"host": "127.0.0.1"})
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._process: subprocess.Popen[str] | None = None
        self._stderr_lines: list[str] = []

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the sandbox process has not been started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stderr_text(self) -> str:
        return "".join(self._stderr_lines)

    def start(self) -> str:
        if self.running:
            return self.base_url
        env = {**os.environ, **self.settings.to_env(), "SANDBOX_PORT": str(self.port or 0)}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_REPO_ROOT), env.get("PYTHONPATH", "")) if p)
        process = subprocess.Popen(
            [sys.executable, "-m", "sandbox"],
            cwd=_REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._process = process
        self._stderr_lines = []
        ready = threading.Event()
        found: list[int] = []

        def drain() -> None:  # keeps reading, so a chatty child never blocks on a full pipe
            assert process.stderr is not None
            for line in process.stderr:
                self._stderr_lines.append(line)
                if line.startswith(READY_MARKER):
                    found.append(int(line.strip().rsplit(":", 1)[1]))
                    ready.set()
            ready.set()

        threading.Thread(target=drain, name="sandbox-stderr", daemon=True).start()
        if not ready.wait(self.startup_timeout) or not found:
            self.kill()
            raise RuntimeError(f"python -m sandbox did not start:\n{self.stderr_text()[-4000:]}")
        self.port = found[0]
        deadline = time.monotonic() + self.startup_timeout
        while not _healthy(self.port):
            if not self.running or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"python -m sandbox is not answering:\n{self.stderr_text()[-4000:]}")
            time.sleep(0.02)
        return self.base_url

    def kill(self) -> None:
        """SIGKILL: the server dies mid-whatever, as in a crash."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=30)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (graceful), then SIGKILL if it does not exit in time."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> str:
        """Kill and start again on the same port, with the same database."""
        self.kill()
        return self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> SandboxProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


# --- identity -------------------------------------------------------------------------------------


def _call(base_url: str, method: str, path: str, body: bytes | None, content_type: str) -> dict[str, object]:
    parts = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = json.loads(response.read() or b"{}")
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: HTTP {response.status}: {data}")
    assert isinstance(data, dict)
    return data


def demo_password(user_id: str) -> str:
    """The documented demo password of a default demo user."""
    user = next((u for u in default_users() if u.user_id == user_id), None)
    if user is None:
        raise KeyError(f"no demo user {user_id!r}")
    return user.password.get_secret_value()


def user_token(
    base_url: str, user_id: str, *, resource: str, scope: str | None = None, password: str | None = None
) -> str:
    """A demo user's access token (JWT, aud = `resource`) from the sandbox's password grant."""
    form = {
        "grant_type": "password",
        "client_id": "demo-mcp-client",
        "username": user_id,
        "password": password if password is not None else demo_password(user_id),
        "resource": resource,
    }
    if scope is not None:
        form["scope"] = scope
    body = urllib.parse.urlencode(form).encode()
    token = _call(base_url, "POST", "/oauth/token", body, "application/x-www-form-urlencoded")["access_token"]
    assert isinstance(token, str)
    return token


def mint_user_token(
    base_url: str,
    user_id: str,
    *,
    resource: str,
    lifetime_seconds: int = 3600,
    not_before_in_seconds: int = 0,
    scope: list[str] | None = None,
) -> str:
    """A user token with chosen times (negative lifetime: expired), signed by the sandbox (test endpoints)."""
    spec: dict[str, object] = {
        "user": user_id,
        "resource": resource,
        "lifetime_seconds": lifetime_seconds,
        "not_before_in_seconds": not_before_in_seconds,
    }
    if scope is not None:
        spec["scope"] = scope
    token = _call(base_url, "POST", "/_control/idp/tokens", json.dumps(spec).encode(), "application/json")
    value = token["access_token"]
    assert isinstance(value, str)
    return value


def rotate_signing_key(base_url: str) -> str:
    """Rotate the sandbox's signing key (test endpoints); the new kid."""
    kid = _call(base_url, "POST", "/_control/idp/rotate-key", b"", "application/json")["kid"]
    assert isinstance(kid, str)
    return kid


def token_exchanges(base_url: str) -> dict[str, int]:
    """Token exchanges per user since the last /_sandbox/reset (test endpoints)."""
    counts = _call(base_url, "GET", "/_control/idp/exchanges", None, "")
    return {str(k): int(v) for k, v in counts.items() if isinstance(v, int)}


def visible_contract_ids(db: Path, users: list[DemoUser] | None = None) -> dict[str, frozenset[str]]:
    """The permission truth of a sandbox database file: for each demo user, the contracts they may see.

    Read straight from the rows and decided by `DemoUser.may_see` in Python, independent of the
    SQL the routes filter with. For a running sandbox, `GET /_control/idp/visible` answers the same.
    """
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return permission_truth(conn, users if users is not None else default_users())
    finally:
        conn.close()


def visible_contracts_of(base_url: str) -> dict[str, frozenset[str]]:
    """The permission truth of a running sandbox (test endpoints): user id -> visible contract ids."""
    truth = _call(base_url, "GET", "/_control/idp/visible", None, "")
    return {str(user): frozenset(ids) for user, ids in truth.items() if isinstance(ids, list)}
