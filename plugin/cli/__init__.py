"""The command line of server.py: serve, doctor, audit-report and the release commands."""
