"""A tiny fake backend and plugin of another domain (items with notes), for the template test suite.

- `app`: the fake items API (ASGI: OAuth client credentials, scopes, paging, idempotent writes, faults);
- `runner`: serves an ASGI app on 127.0.0.1 for tests;
- `client`, `adapter`: the backend adapter (`FakeAdapter`, a `plugin.transport.adapter.BackendAdapter`);
- `tools/`: two tools (a paged list, a write) and their registry;
- `server.py` and `identity.toml`: the fake plugin's composition root and identity.

The adapter modules import each other relatively, so the package can be copied under another name
(the fork exercise installs it as a fork's adapter package).
"""
