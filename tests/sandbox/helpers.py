"""Helpers of the sandbox tests: a small client for a real sandbox over loopback HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2

CORPUS = 120
SEED = 5

Params = Mapping[str, str | int | list[str]] | None


class Api:
    """An HTTP client for one sandbox: fetches tokens, calls /v1, drives the test endpoints."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx2.Client(base_url=base_url, timeout=30)
        self._tokens: dict[tuple[str, str | None], str] = {}

    def close(self) -> None:
        self.http.close()

    def token(self, client_id: str = "demo-client", secret: str | None = None, scope: str | None = None) -> str:
        key = (client_id, scope)
        if key not in self._tokens:
            data = {"grant_type": "client_credentials"}
            if scope is not None:
                data["scope"] = scope
            response = self.http.post(
                "/oauth/token", data=data, auth=(client_id, secret or client_id.replace("-client", "-secret"))
            )
            assert response.status_code == 200, response.text
            self._tokens[key] = response.json()["access_token"]
        return self._tokens[key]

    def get(self, path: str, params: Params = None, *, token: str | None = None, **kwargs: Any) -> httpx2.Response:
        headers = {"Authorization": f"Bearer {token or self.token()}", **kwargs.pop("headers", {})}
        return self.http.get(path, params=params, headers=headers, **kwargs)

    def ok(self, path: str, params: Params = None, **kwargs: Any) -> Any:
        response = self.get(path, params, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def post_annotation(
        self,
        contract_id: str,
        body: Any,
        key: str | bytes | None,
        *,
        token: str | None = None,
        acting_user: str | bytes | None = None,
    ) -> httpx2.Response:
        """POST an annotation; header values may be bytes (e.g. UTF-8 names, as a client puts them on the wire)."""
        headers = {b"Authorization": f"Bearer {token or self.token()}".encode()}
        for name, value in ((b"Idempotency-Key", key), (b"X-Acting-User", acting_user)):
            if value is not None:
                headers[name] = value.encode() if isinstance(value, str) else value
        return self.http.post(f"/v1/contracts/{contract_id}/annotations", json=body, headers=headers)

    def walk(self, path: str, params: dict[str, Any] | None = None, limit: int = 17) -> list[dict[str, Any]]:
        """Every row of a listing, following next_cursor to the end (checking total on every page)."""
        rows: list[dict[str, Any]] = []
        query: dict[str, Any] = {**(params or {}), "limit": limit}
        total = None
        while True:
            page = self.ok(path, query)
            total = page["total"] if total is None else total
            assert page["total"] == total
            assert len(page["data"]) <= limit
            rows.extend(page["data"])
            if page["next_cursor"] is None:
                break
            assert page["data"], "a page with a next cursor is never empty"
            query["cursor"] = page["next_cursor"]
        assert len(rows) == total
        return rows

    # test endpoints

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, f"/_sandbox{path}", **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()


def problem(response: httpx2.Response, status: int, code: str) -> dict[str, Any]:
    """Assert `response` is an RFC 9457 problem with this status and code; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["code"] == code, body
    assert body["request_id"] == response.headers["x-request-id"]
    return body
