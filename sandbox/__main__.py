"""`python -m sandbox`: serve the sandbox CLM over HTTP (uvicorn) on loopback by default.

`python -m sandbox import PATH...` adds your own PDF/DOCX/TXT contracts (files or folders): into
`--db FILE` if given, else into the cached demo database that `SANDBOX_IMPORT=PATH... python -m
sandbox` (or `python -m sandbox --import PATH`) serves.

`python -m sandbox token --user alice [--resource URL] [--url SANDBOX_URL]` prints a demo user's
access token (a JWT for the MCP server at `--resource`) from a running sandbox's authorization
server. Its signing key lives only in that process, so the token is asked for over HTTP.
Demo users (see `sandbox.users`): alice/alice-demo (all contracts), bob/bob-demo (our EMEA entities),
carol/carol-demo (European counterparties), dave/dave-demo (all, read-only).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sandbox.settings import SandboxSettings

if TYPE_CHECKING:
    from sandbox.importing import ImportResult

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
    parser.add_argument(
        "--import",
        dest="import_paths",
        action="append",
        type=Path,
        help="also serve the PDF/DOCX/TXT contracts in this file or folder (repeatable; env SANDBOX_IMPORT)",
    )
    parser.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    return parser


def _progress(done: int, total: int) -> None:
    print(f"\rsandbox: building corpus {done}/{total}", end="\n" if done == total else "", file=sys.stderr)


def _import_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox import",
        description="Import PDF, DOCX and TXT contracts (files or folders) into a sandbox database.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a file or a folder (searched recursively)")
    parser.add_argument("--db", type=Path, help="import into this SQLite file (built first if missing)")
    parser.add_argument("--contracts", type=int, help="generated corpus size beside them (default 300)")
    parser.add_argument("--seed", type=int, help="corpus seed (default 7)")
    parser.add_argument("--as-of", type=date.fromisoformat, dest="as_of", help="business date (default today)")
    return parser


def _print_result(result: ImportResult) -> None:
    if result.error is not None:
        print(f"sandbox: skipped   {result.path}: {result.error}", file=sys.stderr)
        return
    state = "scanned " if result.scanned else "imported"
    if result.already:
        state = "present "
    detail = "no text layer: stored as scanned (listed, not searchable)" if result.scanned else f"{result.chars} chars"
    print(
        f"sandbox: {state}  {result.contract_id}  {result.path.name}  {detail}  "
        f"title={result.title!r} type={result.type} (derived)  {result.seconds * 1000:.0f} ms",
        file=sys.stderr,
    )


def import_main(argv: list[str]) -> None:
    parser = _import_parser()
    args = parser.parse_args(argv)
    # Imported after parsing, so that --help and argument errors answer at once.
    from pydantic import ValidationError

    from sandbox.importing import import_into
    from sandbox.store.database import cached_corpus, cached_with_imports, open_database

    overrides: dict[str, Any] = {k: v for k, v in vars(args).items() if v is not None and k != "paths"}
    try:
        settings = SandboxSettings(**overrides)
    except ValidationError as exc:
        parser.error(str(exc))
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(map(str, missing))}")
    results: list[ImportResult] = []

    def collect(result: ImportResult) -> None:
        results.append(result)
        _print_result(result)

    started = time.perf_counter()
    if settings.db is not None:
        open_database(settings.db, settings.corpus, progress=_progress).close()
        import_into(settings.db, args.paths, settings.as_of, collect)
        serve = f"python -m sandbox --db {settings.db}"
    else:
        cached = cached_corpus(settings.corpus, settings.cache_dir, _progress)
        cached_with_imports(cached, args.paths, settings.as_of, collect)
        serve = "python -m sandbox " + " ".join(f"--import {p}" for p in args.paths)
    elapsed = time.perf_counter() - started
    stored = [r for r in results if r.error is None]
    scanned = sum(1 for r in stored if r.scanned)
    print(
        f"sandbox: {len(stored)} contracts ({scanned} scanned, {sum(r.already for r in stored)} already there), "
        f"{len(results) - len(stored)} skipped, in {elapsed:.2f}s\nsandbox: serve them with: {serve}",
        file=sys.stderr,
    )
    if not stored:
        sys.exit(1)


DEFAULT_RESOURCE = "http://127.0.0.1:8000/mcp"


def token_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox token",
        description="Print a demo user's access token (JWT) from a running sandbox (demo password grant).",
    )
    parser.add_argument("--user", required=True, help="demo user: alice, bob, carol or dave")
    parser.add_argument(
        "--resource",
        default=DEFAULT_RESOURCE,
        help=f"the MCP server's canonical URL, the token's aud (default {DEFAULT_RESOURCE})",
    )
    parser.add_argument(
        "--url", default="http://127.0.0.1:8765", help="the sandbox's base URL (default http://127.0.0.1:8765)"
    )
    parser.add_argument("--scope", help="space-separated scopes (default: all the user holds)")
    parser.add_argument("--password", help="the user's password (default: the documented demo password)")
    args = parser.parse_args(argv)
    from sandbox.testing import demo_password, user_token  # after parsing: --help answers at once

    try:
        password = args.password if args.password is not None else demo_password(args.user)
        token = user_token(args.url, args.user, resource=args.resource, scope=args.scope, password=password)
    except (KeyError, RuntimeError, OSError) as exc:
        sys.exit(f"sandbox: no token: {exc}")
    print(token)  # the CLI's output: this is not the MCP server's stdout


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["import"]:
        import_main(argv[1:])
        return
    if argv[:1] == ["token"]:
        token_main(argv[1:])
        return
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
        f"sandbox: user token: python -m sandbox token --user alice --url {base_url} --resource <MCP URL>"
        f" (users alice, bob, carol, dave; see sandbox/users.py)\n"
        f"sandbox: API docs: {base_url}/docs  OpenAPI: {base_url}/openapi.json\n"
        f"{READY_MARKER}{base_url}",
        file=sys.stderr,
        flush=True,
    )
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False, timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[listener])


if __name__ == "__main__":
    main()
