"""Plugin machinery: settings, OAuth, HTTP, errors, audit, output budgets, sanitising. Forks don't touch it."""
