"""The embedded demo backend in a child process, started at spawn, served on a loopback port.

Importing and building the demo backend (a web framework, its app, its database) is CPU-bound work of about
half a second. In the server's own process it runs under the GIL, so it either delays `initialize` or the
first tool call. Started in a child process at spawn, it runs on another core while the server imports its
own modules, and is usually ready before the client sends its first call.

The child is generic: it imports the adapter's app factory by its reference (`module:qualname`, see
`app_reference`), calls it as the in-process mode would, and serves it with uvicorn on 127.0.0.1, a port the
OS chooses. What it needs (settings, the installation secret, an access key) comes on its stdin, never in
argv or the environment, which other users of the machine can read. Every request must carry the access
key, so other local users cannot read the demo data (it may hold their imported contracts) through the port.

The child dies with the server: it exits when its stdin reaches EOF (the server's end closes however the
server ends, SIGKILL included), and on Linux the kernel also signals it when its parent dies
(PR_SET_PDEATHSIG). Its stdout is a pipe that carries one line, the readiness announcement (JSON);
uvicorn's own output goes to stderr.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle  # parent to its own child over a private pipe: the same code trusts itself
import secrets
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from plugin.bootstrap import collect_from_now_on
from plugin.config.demo_process import child_at_spawn

if TYPE_CHECKING:
    import httpx2

    from plugin.config.settings import PluginSettings
    from plugin.transport.adapter import EmbeddedBackend

KEY_HEADER = "x-embedded-backend-key"
_PR_SET_PDEATHSIG = 1
BUILD_NICENESS = 10  # weight ~1/10 of the server's while both want the CPU


def app_reference(factory: Callable[..., Any]) -> str | None:
    """`module:qualname` of an app factory a child process can import, or None (a lambda, a closure, a method)."""
    module = getattr(factory, "__module__", None)
    qualname = getattr(factory, "__qualname__", None)
    if not module or not qualname or module == "__main__" or "<" in qualname or "." in qualname:
        return None
    return f"{module}:{qualname}"


class BackendProcess:
    """The server's side of the child: started at spawn, awaited (once) by the first backend request."""

    def __init__(self, proc: subprocess.Popen[bytes], access_key: str) -> None:
        self._proc = proc
        self._access_key = access_key
        self._port: int | None = None
        self._failure: str | None = None
        self._lock = threading.Lock()

    @classmethod
    def start(
        cls, embedded: EmbeddedBackend, settings: PluginSettings, secret: bytes | None = None
    ) -> BackendProcess | None:
        """Spawn the child (it returns at once; the child builds the app in parallel); None when the adapter's app
        factory is not importable by reference or the child cannot be spawned (the in-process mode serves)."""
        reference = app_reference(embedded.app)
        if reference is None:
            return None
        return cls._spawn(
            {
                "reference": reference,
                # The values, not the object: loaded settings are of a class made per identity, which pickle cannot
                # name.
                "settings": {name: getattr(settings, name) for name in type(settings).model_fields},
                "secret": secret,
            }
        )

    @classmethod
    def start_at_spawn(cls, entry: Path, env_prefix: str) -> BackendProcess | None:
        """Spawn the child before this process imports anything heavy, when the configuration asks for one (see
        plugin.config.demo_process); None otherwise, or when it cannot be spawned.

        Nothing is known yet but the composition root `entry` (server.py): the child imports it, takes the same
        parts, reads the same settings from the same environment and derives the installation's secret itself,
        so the build starts ~350 ms earlier than after this process has loaded its own parts and settings.
        """
        if not child_at_spawn(env_prefix):
            return None
        return cls._spawn({"entry": str(entry)})

    @classmethod
    def _spawn(cls, build: dict[str, Any]) -> BackendProcess | None:
        access_key = secrets.token_urlsafe(32)
        launch = {
            **build,
            "access_key": access_key,
            "parent_pid": os.getpid(),
            # PR_SET_PDEATHSIG fires when the parent *thread* ends: only sound when spawned by the main thread.
            "death_signal": threading.current_thread() is threading.main_thread(),
        }
        root = str(Path(__file__).resolve().parent.parent.parent)  # where `plugin` is importable from
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
        try:
            proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                close_fds=True,
            )
        except OSError:
            return None
        assert proc.stdin is not None
        try:
            # The path first: unpickling the launch may import the fork's modules from it.
            proc.stdin.write(pickle.dumps(list(sys.path)) + pickle.dumps(launch))
            proc.stdin.flush()  # and keep it open: its EOF tells the child that this process has ended
        except OSError:
            proc.kill()
            return None
        return cls(proc, access_key)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def wait_ready(self) -> int | None:
        """Blocking: the child's port once it serves, or None when it failed (see `failure`). Call off the loop."""
        with self._lock:
            if self._port is None and self._failure is None:
                self._port, self._failure = self._read_announcement()
            return self._port

    @property
    def failure(self) -> str | None:
        return self._failure

    def _read_announcement(self) -> tuple[int | None, str | None]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        self._proc.stdout.close()
        try:
            message = json.loads(line) if line else {"error": f"exited with status {self._proc.wait()}"}
        except ValueError:
            message = {"error": "announced nothing readable"}
        port = message.get("port")
        if isinstance(port, int):
            return port, None
        return None, str(message.get("error", "no port announced"))

    def transport(self, limits: httpx2.Limits) -> httpx2.AsyncBaseTransport:
        """An HTTP transport to the child that carries the access key on every request."""
        import httpx2

        key = self._access_key

        class _KeyedTransport(httpx2.AsyncBaseTransport):
            def __init__(self) -> None:
                # Plain HTTP to loopback: no TLS, so no CA bundle to load (~30 ms); no proxy from the environment.
                self._inner = httpx2.AsyncHTTPTransport(limits=limits, trust_env=False, verify=False)

            async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
                request.headers[KEY_HEADER] = key
                return await self._inner.handle_async_request(request)

            async def aclose(self) -> None:
                await self._inner.aclose()

        return _KeyedTransport()

    def close(self) -> None:
        """Stop the child (closing its stdin is enough; terminate if it lingers) and reap it."""
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


# -- the child -------------------------------------------------------------------------------------------------
class _RequireKey:
    """ASGI middleware: a request without the access key is refused before it reaches the app."""

    def __init__(self, app: Any, key: str) -> None:
        self._app = app
        self._key = key.encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = next((v for k, v in scope["headers"] if k == KEY_HEADER.encode()), b"")
            if not secrets.compare_digest(given, self._key):
                await send({"type": "http.response.start", "status": 403, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
        await self._app(scope, receive, send)


def _exit_on_eof(stdin: IO[bytes]) -> None:
    with contextlib.suppress(OSError, ValueError):
        while stdin.read(65536):
            pass
    os._exit(0)  # the server has ended: no graceful shutdown owed to anyone


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform != "linux":
        return
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(0)


def _listen() -> socket.socket:
    # IPPROTO_TCP named explicitly: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say so, and
    # accepted ones inherit it; with Nagle on, every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def _from_composition_root(entry: Path) -> tuple[Callable[..., Any], PluginSettings, bytes | None]:
    """The app factory, settings and secret the server itself would use, from its composition root's parts."""
    import importlib.util
    import inspect

    from plugin.config.settings import load_settings
    from plugin.transport.embedded import embedded_secret

    spec = importlib.util.spec_from_file_location("composition_root", entry)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot import the composition root {entry}")
    root = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root)
    # Without the tools where the composition root allows it: this process serves the demo backend only.
    takes_tools = "tools" in inspect.signature(root.parts).parameters
    parts = root.parts(tools=False) if takes_tools else root.parts()
    settings = load_settings(parts.identity)
    embedded = parts.adapter.embedded()
    if embedded is None or not settings.embedded:
        raise RuntimeError("the configuration has no embedded demo backend")
    return embedded.app, settings, embedded_secret(embedded, settings, parts.identity)


def _build(launch: dict[str, Any]) -> tuple[Any, socket.socket]:
    if "entry" in launch:
        factory, settings, secret = _from_composition_root(Path(launch["entry"]))
    else:
        import importlib

        from plugin.config.settings import PluginSettings

        module_name, _, qualname = launch["reference"].partition(":")
        factory = getattr(importlib.import_module(module_name), qualname)
        settings = PluginSettings.model_construct(**launch["settings"])  # validated in the parent already
        secret = launch["secret"]
    app = factory(settings) if secret is None else factory(settings, secret)
    import uvicorn  # noqa: F401 - imported here, at the building thread's priority

    return app, _listen()


def _build_politely(launch: dict[str, Any]) -> tuple[Any, socket.socket] | str:
    """The app and its socket, or why not, built on a thread of lower priority.

    The server starts at the same moment and shares this process group's CPU (Linux schedules a session's
    processes as one group): on a busy machine the build would slow the server's own start by its whole
    cost. At a lower nice value it takes what the server leaves, still all of a free core. Linux only: there
    nice is per thread, so serving (the main thread) keeps the normal priority.
    """
    outcome: list[tuple[Any, socket.socket] | str] = []

    def work() -> None:
        if sys.platform == "linux":
            with contextlib.suppress(OSError):
                os.nice(BUILD_NICENESS)
        try:
            outcome.append(_build(launch))
        except Exception as exc:  # reported to the parent, which falls back to (and reports through) in-process
            outcome.append(f"{type(exc).__name__}: {exc}")

    builder = threading.Thread(target=work, name="build")
    builder.start()
    builder.join()
    return outcome[0]


def _child() -> int:
    gc.disable()  # building makes long-lived objects only (see plugin.bootstrap.collect_from_now_on)
    stdin = sys.stdin.buffer
    sys.path[:] = pickle.load(stdin)  # noqa: S301 - written by our parent, see the module's import
    launch = pickle.load(stdin)  # noqa: S301
    if launch["death_signal"]:
        _die_with_parent(launch["parent_pid"])
    threading.Thread(target=_exit_on_eof, args=(stdin,), daemon=True).start()
    announce = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything printed from here on goes to stderr: stdout carries the announcement only
    built = _build_politely(launch)
    if isinstance(built, str):
        announce.write(json.dumps({"error": built}) + "\n")
        announce.close()
        return 1
    app, sock = built
    collect_from_now_on()
    import uvicorn

    # Lifespan off: the in-process ASGI transport never runs it either, so the app behaves the same.
    config = uvicorn.Config(
        _RequireKey(app, launch["access_key"]), lifespan="off", access_log=False, log_config=None, log_level="warning"
    )
    announce.write(json.dumps({"port": sock.getsockname()[1]}) + "\n")  # connections queue until serve() accepts
    announce.close()
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(_child())
