"""Real OS services for tests and benchmarks: `redis-server` and `nginx`, on 127.0.0.1, started and stopped here.

Both come from the OS packages (`.ci/run` installs them with apt-get). When a binary is missing the
test is skipped with the reason printed, so the README's test command passes on a fresh machine;
with `CI_REQUIRE_OS_PACKAGES=1` (set by `.ci/run`) a missing binary fails the test instead, so CI
can never pass by skipping them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

REQUIRE_ENV = "CI_REQUIRE_OS_PACKAGES"
# Where Debian puts them; PATH may lack /usr/sbin for a non-root user.
_EXTRA_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for directory in _EXTRA_DIRS:
        candidate = Path(directory) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def require_binary(name: str, package: str) -> str:
    """The path of `name`, or skip (fail under CI_REQUIRE_OS_PACKAGES=1) saying which package to install."""
    found = find_binary(name)
    if found is not None:
        return found
    reason = f"{name} not found: install the OS package '{package}' (apt-get install {package}) to run this test"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason}; {REQUIRE_ENV}=1 says it must run here", pytrace=False)
    print(f"SKIPPED: {reason}")  # shown with -s; the skip reason (pytest -ra) says the same
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


class _Daemon:
    """A child process in its own process group, stopped by its PID (never by name)."""

    def __init__(self, argv: Sequence[str], workdir: Path) -> None:
        self.argv = list(argv)
        self.workdir = workdir
        self.log = workdir / "output.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.argv, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True
            )

    def output(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-4000:]
        return ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)


class RedisServer:
    """`redis-server` on 127.0.0.1 (a free port), no persistence (no RDB, no AOF), its files in a temp dir."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.workdir = Path(tempfile.mkdtemp(prefix="redis-test-"))
        self.port = 0
        self._daemon: _Daemon | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return None if self._daemon is None or self._daemon.process is None else self._daemon.process.pid

    def start(self, attempts: int = 5) -> str:
        for _ in range(attempts):  # a free port may be taken between choosing and binding it
            self.port = free_port()
            argv = [
                self.binary,
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.workdir),
                "--protected-mode", "yes",
                "--daemonize", "no",
                "--loglevel", "warning",
            ]  # fmt: skip
            self._daemon = _Daemon(argv, self.workdir)
            self._daemon.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self._daemon.alive():
                if self._ping():
                    return self.url
                time.sleep(0.02)
            self._daemon.stop()
        raise RuntimeError(f"redis-server did not start:\n{self._daemon.output() if self._daemon else ''}")

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def flush(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            if not sock.recv(16).startswith(b"+OK"):
                raise RuntimeError("FLUSHALL failed")

    def stop(self) -> None:
        if self._daemon is not None:
            self._daemon.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer(require_binary("redis-server", "redis-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 2;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    # Which replica answered each request (and with what), so tests can see the round robin at work.
    log_format upstream '$status|$upstream_status|$upstream_addr';
    access_log {workdir}/access.log upstream;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    # Round robin, no sticky sessions: consecutive requests of one session may land on either replica.
    upstream replicas {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location / {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Streamed responses (SSE) go through unbuffered.
            proxy_buffering off;
            proxy_read_timeout 120s;
            # A replica that refuses or drops the connection: the request goes to the next one, POSTs
            # included (a tool call is safe to resend: writes carry an idempotency key).
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""


class NginxProxy:
    """nginx on 127.0.0.1 balancing round robin (no stickiness) across `upstreams` ("127.0.0.1:PORT")."""

    def __init__(self, binary: str, upstreams: Sequence[str]) -> None:
        self.binary = binary
        self.upstreams = list(upstreams)
        self.workdir = Path(tempfile.mkdtemp(prefix="nginx-test-"))
        self.port = 0
        self._daemon: _Daemon | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, attempts: int = 5) -> str:
        # max_fails=0: never mark a replica down from errors, so the survivor is never disabled with the dead
        # one ("no live upstreams"); a dead replica costs a refused connect on loopback, then the next one.
        servers = "\n".join(f"        server {upstream} max_fails=0;" for upstream in self.upstreams)
        for _ in range(attempts):
            self.port = free_port()
            conf = self.workdir / "nginx.conf"
            conf.write_text(NGINX_CONF.format(workdir=self.workdir, servers=servers, port=self.port))
            # -e: the error log before the config is read (the default path is not writable for everyone).
            argv = [self.binary, "-c", str(conf), "-p", str(self.workdir), "-e", str(self.workdir / "error.log")]
            self._daemon = _Daemon(argv, self.workdir)
            self._daemon.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self._daemon.alive():
                if _port_open(self.port):
                    return self.url
                time.sleep(0.02)
            self._daemon.stop()
        log = (self.workdir / "error.log").read_text(errors="replace") if (self.workdir / "error.log").exists() else ""
        raise RuntimeError(f"nginx did not start:\n{self._daemon.output() if self._daemon else ''}\n{log[-4000:]}")

    def statuses(self) -> dict[str, int]:
        """{"<status to the client> <upstream statuses>": requests} from the access log."""
        counts: dict[str, int] = {}
        with contextlib.suppress(OSError):
            for line in (self.workdir / "access.log").read_text().splitlines():
                status, upstream, _address = [*line.split("|"), "", ""][:3]
                key = f"{status} [{upstream}]"
                counts[key] = counts.get(key, 0) + 1
        return counts

    def error_log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.workdir / "error.log").read_text(errors="replace")
        return ""

    def upstream_counts(
        self, until: Callable[[dict[str, int]], bool] = lambda _counts: True, timeout: float = 5.0
    ) -> dict[str, int]:
        """{replica address: requests it answered} from the access log (a retried request counts for each try).

        nginx writes a request's log line after the client has its response, so a test that reads the log right
        after its last request can miss that line: the log is read again until `until` holds or `timeout` passes,
        and the last reading is returned either way (the caller asserts on it).
        """
        deadline = time.monotonic() + timeout
        while True:
            counts: dict[str, int] = {}
            with contextlib.suppress(OSError):
                for line in (self.workdir / "access.log").read_text().splitlines():
                    for address in line.split("|")[-1].split(","):
                        address = address.strip()
                        if address and address != "-":
                            counts[address] = counts.get(address, 0) + 1
            if until(counts) or time.monotonic() >= deadline:
                return counts
            time.sleep(0.02)

    def stop(self) -> None:
        if self._daemon is not None:
            self._daemon.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def nginx_proxy(upstreams: Sequence[str]) -> Iterator[NginxProxy]:
    proxy = NginxProxy(require_binary("nginx", "nginx"), upstreams)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
