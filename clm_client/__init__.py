"""The backend adapter: the typed client for the CLM API. A fork replaces this package."""
