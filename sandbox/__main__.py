"""`python -m sandbox`: serve the sandbox CLM over HTTP (uvicorn) on loopback by default."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from sandbox.settings import SandboxSettings

READY_MARKER = "sandbox: serving on "  # sandbox.testing.SandboxProcess waits for this line on stderr


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Serve the sandbox CLM API.")
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8765; 0 = any free port)")
    parser.add_argument("--contracts", type=int, help="corpus size (default 300)")
    parser.add_argument("--seed", type=int, help="corpus seed (default 7)")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a cache file; ':memory:' = throw-away)")
    parser.add_argument(
        "--as-of", type=date.fromisoformat, dest="as_of", help="business date, YYYY-MM-DD (default today)"
    )
    parser.add_argument("--token-ttl", type=int, dest="token_ttl_seconds", help="token lifetime in seconds")
    parser.add_argument("--region", help="data residency region reported (default eu-west-1)")
    parser.add_argument("--test-endpoints", action="store_true", default=None, help="enable /_sandbox/* (tests)")
    parser.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    return parser


def _progress(done: int, total: int) -> None:
    print(f"\rsandbox: building corpus {done}/{total}", end="\n" if done == total else "", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    # Imported here so that --help and argument errors answer at once.
    import uvicorn
    from pydantic import ValidationError

    from sandbox.app import create_app
    from sandbox.listen import tcp_listener
    from sandbox.store.database import DatabaseMismatchError

    # Unset flags leave the environment (SANDBOX_*) and the defaults in charge.
    overrides: dict[str, Any] = {k: v for k, v in vars(args).items() if v is not None and k != "log_level"}
    try:
        settings = SandboxSettings(**overrides)
    except ValidationError as exc:
        parser.error(str(exc))
    try:
        listener = tcp_listener(settings.host, settings.port)  # before the build: a busy port fails at once
    except OSError as exc:
        sys.exit(f"sandbox: cannot listen on {settings.host}:{settings.port}: {exc}")
    started = time.perf_counter()
    try:
        app = create_app(settings, progress=_progress)
    except DatabaseMismatchError as exc:
        sys.exit(f"sandbox: {exc}")
    ready_in = time.perf_counter() - started
    host, port = listener.getsockname()[:2]
    base_url = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
    demo = settings.client("demo-client")
    credentials = (
        "client_id=demo-client client_secret=demo-secret"
        if demo is not None and demo.client_secret.get_secret_value() == "demo-secret"
        else "clients: " + ", ".join(c.client_id for c in settings.clients)
    )
    print(
        f"sandbox: {settings.contracts} contracts (seed {settings.seed}, as of {settings.as_of}) "
        f"ready in {ready_in:.2f}s\n"
        f"sandbox: token: POST {base_url}/oauth/token grant_type=client_credentials {credentials}\n"
        f"sandbox: API docs: {base_url}/docs  OpenAPI: {base_url}/openapi.json\n"
        f"{READY_MARKER}{base_url}",
        file=sys.stderr,
        flush=True,
    )
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False, timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[listener])


if __name__ == "__main__":
    main()
