"""HTTP routes of the sandbox CLM, one module per resource."""
