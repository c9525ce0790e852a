"""HTTP machinery of the sandbox: problems, tokens, cursors, middleware, faults, observation."""
