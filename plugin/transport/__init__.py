"""Transport to the backend: the HTTP pipeline, OAuth tokens, connections, the embedded backend."""
