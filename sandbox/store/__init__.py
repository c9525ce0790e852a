"""The sandbox's SQLite database: schema, corpus build, queries."""
