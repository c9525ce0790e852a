"""A tiny fake backend of another domain ("items" with notes), for the template test suite.

The shape most REST APIs a fork talks to share: an OAuth 2.0 client-credentials token endpoint,
bearer tokens with scopes, a cursor-paged list with a total, a get by id, and an idempotent write.
Errors are RFC 9457 problem+json. Test-only controls live under `/_fake/`:

    POST   /_fake/faults           a fault spec of the sandbox's reusable fault layer (`sandbox.web.faults`),
                                   e.g. {"mode": "status", "status": 503, "count": 2, "retry_after": 1}: the next
                                   `count` API requests (under /v1/) get that fault
    GET    /_fake/faults           the faults still armed
    DELETE /_fake/faults           clear pending faults
    POST   /_fake/tokens/revoke    every issued token becomes invalid (a 401 mid-session)
    POST   /_fake/reset            faults, tokens, notes and counters back to the start
    GET    /_fake/counters         {"token_requests", "requests", "notes", "faults_pending"}

A fork copies this module as the fake of its own API and changes the resources, not the mechanics: the
faults come from the sandbox's fault layer (`FaultInjection` around the app, `fault_routes` for the
controls), the same one the reference sandbox is tested with.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.web.faults import FaultInjection, FaultPlan, fault_routes

CLIENT_ID = "fake-client"
CLIENT_SECRET = "fake-secret-6f1c2a9e"
SCOPE_READ = "read:items"
SCOPE_WRITE = "write:items"
ALL_SCOPES = (SCOPE_READ, SCOPE_WRITE)
TOKEN_LIFETIME = 3600
MAX_LIMIT = 100


@dataclass
class FakeState:
    items: list[dict[str, Any]]
    clients: dict[str, tuple[str, tuple[str, ...]]]  # client id -> (secret, scopes it may have)
    tokens: dict[str, tuple[float, frozenset[str]]] = field(default_factory=dict)  # token -> (expiry, scopes)
    notes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # item id -> notes
    idempotency: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # key -> (digest, note)
    faults: FaultPlan = field(default_factory=FaultPlan)
    token_requests: int = 0
    requests: int = 0


def make_items(count: int, description_chars: int) -> list[dict[str, Any]]:
    """Deterministic items; descriptions vary in length up to `description_chars`."""
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]
    items = []
    for number in range(1, count + 1):
        size = max(20, (number * 7919) % (description_chars + 1))
        text = " ".join(words[(number + i) % len(words)] for i in range(size // 5 + 1))[:size]
        items.append(
            {
                "id": f"itm_{number:04d}",
                "name": f"Item {number}",
                "status": ("open", "closed", "archived")[number % 3],
                "description": text,
            }
        )
    return items


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra},
        status_code=status,
        media_type="application/problem+json",
    )


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(value: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    kind, _, number = text.partition(":")
    return int(number) if kind == "o" and number.isdigit() else None


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        from urllib.parse import unquote

        return unquote(client_id), unquote(secret)
    return form.get("client_id", ""), form.get("client_secret", "")


def create_app(*, items: int = 45, description_chars: int = 3000) -> ASGIApp:
    state = FakeState(
        items=make_items(items, description_chars),
        clients={CLIENT_ID: (CLIENT_SECRET, ALL_SCOPES), "fake-reader": (CLIENT_SECRET, (SCOPE_READ,))},
    )

    async def token(request: Request) -> Response:
        state.token_requests += 1
        form = {key: str(value) for key, value in (await request.form()).items()}
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        client_id, secret = _client_credentials(request, form)
        known = state.clients.get(client_id)
        if known is None or not secrets.compare_digest(known[0], secret):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        allowed = known[1]
        asked = tuple(form.get("scope", "").split()) or allowed
        if set(asked) - set(ALL_SCOPES):
            return JSONResponse({"error": "invalid_scope"}, status_code=400)
        granted = tuple(scope for scope in asked if scope in allowed)  # a subset, said in the response
        value = secrets.token_urlsafe(24)
        state.tokens[value] = (time.monotonic() + TOKEN_LIFETIME, frozenset(granted))
        body = {"access_token": value, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME}
        return JSONResponse({**body, "scope": " ".join(granted)}, headers={"Cache-Control": "no-store"})

    async def guarded(request: Request, scope: str) -> Response | None:
        """An auth failure, else None (go on)."""
        header = request.headers.get("authorization", "")
        value = header[7:] if header.lower().startswith("bearer ") else ""
        issued = state.tokens.get(value)
        if issued is None or issued[0] < time.monotonic():
            return problem(401, "Unauthorized", "missing, unknown or expired token", code="invalid_token")
        if scope not in issued[1]:
            return problem(403, "Forbidden", "the token lacks a scope", required_scope=scope)
        return None

    async def list_items(request: Request) -> Response:
        if (refused := await guarded(request, SCOPE_READ)) is not None:
            return refused
        try:
            limit = int(request.query_params.get("limit", "20"))
        except ValueError:
            limit = -1
        if not 1 <= limit <= MAX_LIMIT:
            return problem(400, "Bad Request", f"limit must be 1-{MAX_LIMIT}", code="invalid_parameter")
        raw = request.query_params.get("cursor")
        offset = 0 if raw is None else _decode_cursor(raw)
        if offset is None or offset > len(state.items):
            return problem(400, "Bad Request", "unknown cursor", code="invalid_cursor")
        page = state.items[offset : offset + limit]
        after = offset + len(page)
        next_cursor = _encode_cursor(after) if after < len(state.items) else None
        return JSONResponse({"items": page, "next_cursor": next_cursor, "total": len(state.items)})

    def find(item_id: str) -> dict[str, Any] | None:
        return next((item for item in state.items if item["id"] == item_id), None)

    async def get_item(request: Request) -> Response:
        if (refused := await guarded(request, SCOPE_READ)) is not None:
            return refused
        item = find(request.path_params["item_id"])
        if item is None:
            return problem(404, "Not Found", "no such item")
        return JSONResponse(item)

    async def add_note(request: Request) -> Response:
        if (refused := await guarded(request, SCOPE_WRITE)) is not None:
            return refused
        item_id = request.path_params["item_id"]
        if find(item_id) is None:
            return problem(404, "Not Found", "no such item")
        try:
            body = await request.json()
            text = body["text"]
        except (ValueError, KeyError, TypeError):
            return problem(400, "Bad Request", 'body must be {"text": ...}', code="invalid_body")
        if not isinstance(text, str) or not 1 <= len(text) <= 2000:
            return problem(400, "Bad Request", "text must be 1-2000 characters", code="invalid_body")
        key = request.headers.get("idempotency-key")
        digest = hashlib.sha256(f"{item_id}\n{text}".encode()).hexdigest()
        if key is not None and key in state.idempotency:
            seen, note = state.idempotency[key]
            if seen != digest:
                return problem(409, "Conflict", "idempotency key reused for a different write")
            return JSONResponse(note, status_code=200, headers={"Idempotent-Replayed": "true"})
        notes = state.notes.setdefault(item_id, [])
        note = {"id": f"note_{sum(len(n) for n in state.notes.values()) + 1:05d}", "item_id": item_id, "text": text}
        notes.append(note)
        if key is not None:
            state.idempotency[key] = (digest, note)
        return JSONResponse(note, status_code=201)

    async def revoke(_: Request) -> Response:
        state.tokens.clear()
        return JSONResponse({"revoked": True})

    async def reset(_: Request) -> Response:
        state.faults.clear()
        state.tokens.clear()
        state.notes.clear()
        state.idempotency.clear()
        state.token_requests = state.requests = 0
        return JSONResponse({"reset": True})

    async def counters(_: Request) -> Response:
        return JSONResponse(
            {
                "token_requests": state.token_requests,
                "requests": state.requests,
                "notes": sum(len(notes) for notes in state.notes.values()),
                "faults_pending": len(state.faults.active().faults),
            }
        )

    app = Starlette(
        routes=[
            Route("/oauth/token", token, methods=["POST"]),
            Route("/v1/items", list_items, methods=["GET"]),
            Route("/v1/items/{item_id}", get_item, methods=["GET"]),
            Route("/v1/items/{item_id}/notes", add_note, methods=["POST"]),
            *fault_routes(state.faults, "/_fake/faults"),
            Route("/_fake/tokens/revoke", revoke, methods=["POST"]),
            Route("/_fake/reset", reset, methods=["POST"]),
            Route("/_fake/counters", counters, methods=["GET"]),
        ]
    )
    return _CountedRequests(FaultInjection(app, state.faults, realm="fake"), state)


class _CountedRequests:
    """Counts API requests (under /v1/) before any fault is injected, as a server's access log would."""

    def __init__(self, app: ASGIApp, state: FakeState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            self.state.requests += 1
        await self.app(scope, receive, send)
