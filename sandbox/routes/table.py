"""A route module's routes, declared with a prefix and tags like an APIRouter's, and added to the app directly.

An APIRouter builds each route's request state (its parameters' validators, its response models') when the route
is declared, and `FastAPI.include_router` builds it all again, in the app's context, on the first request the app
serves (fastapi 0.165: an included router's routes become `_IncludedRouter` effective routes, made lazily, all of
a router's at once): on the embedded demo's first tool call, ~33 ms measured 2026-12-04 (token 18, meta 4, list
11). A `RouteTable` only records what a module declares; `add_to(app)` declares it on the app
(`FastAPI.add_api_route`), so each route is built once, when the app is. Paths, methods, names, tags, operation
ids, the dependency-overrides provider (the app) and the OpenAPI document are what `include_router` gave.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import FastAPI

EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])


@dataclass(frozen=True)
class _Declared:
    path: str
    endpoint: Callable[..., Any]
    methods: list[str]
    options: dict[str, Any]


@dataclass
class RouteTable:
    """`prefix`, `tags` and `include_in_schema` as an APIRouter takes them; `get`/`post`/`delete` as it has them."""

    prefix: str = ""
    tags: list[str] = field(default_factory=list)
    include_in_schema: bool = True
    _declared: list[_Declared] = field(default_factory=list)

    def get(self, path: str, **options: Any) -> Callable[[EndpointT], EndpointT]:
        return self._route(path, "GET", options)

    def post(self, path: str, **options: Any) -> Callable[[EndpointT], EndpointT]:
        return self._route(path, "POST", options)

    def delete(self, path: str, **options: Any) -> Callable[[EndpointT], EndpointT]:
        return self._route(path, "DELETE", options)

    def _route(self, path: str, method: str, options: dict[str, Any]) -> Callable[[EndpointT], EndpointT]:
        def declare(endpoint: EndpointT) -> EndpointT:
            self._declared.append(_Declared(path, endpoint, [method], options))
            return endpoint

        return declare

    def add_to(self, app: FastAPI) -> None:
        """Declare every recorded route on `app`, in the order recorded (FastAPI builds each now)."""
        for route in self._declared:
            options = dict(route.options)
            tags = [*self.tags, *(options.pop("tags", None) or [])]
            shown = self.include_in_schema and options.pop("include_in_schema", True)
            app.add_api_route(
                self.prefix + route.path,
                route.endpoint,
                methods=route.methods,
                tags=tags or None,
                include_in_schema=shown,
                **options,
            )
