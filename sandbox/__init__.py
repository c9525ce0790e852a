"""The reference CLM API server (sandbox) of the Contract Intelligence plugin.

`python -m sandbox` serves it over HTTP; `sandbox.app.create_app(settings)` builds the ASGI app;
`sandbox.testing` starts it for tests. The plugin code never imports this package except to start it.
"""
