# ruff: noqa: T201, S603 - a CI script: it prints its verdict and runs pip-audit with a fixed argv
"""CI: vulnerability audit of the pinned runtime set (requirements.txt) with pip-audit.

Fails on any known vulnerability. pip-audit has no offline database: it asks PyPI's JSON API (or OSV) per
package. Where that service cannot be reached or does not know the packages (a registry mirror that serves
only the simple index), every package comes back skipped; this script then says exactly that and which
service it tried, and does not fail the run, since nothing was checked (not: nothing was found).
"""

from __future__ import annotations

import json
import subprocess
import sys

command = [
    sys.executable,
    "-m",
    "pip_audit",
    "-r",
    "requirements.txt",
    "--no-deps",
    "--disable-pip",
    "--progress-spinner",
    "off",
    "--format",
    "json",
]
done = subprocess.run(command, capture_output=True, text=True, check=False)
try:
    report = json.loads(done.stdout)
except ValueError:
    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    print(f"vulnerability audit NOT RUN: pip-audit could not reach its vulnerability service ({last})")
    sys.exit(0)
dependencies = report.get("dependencies", [])
vulnerable = [d for d in dependencies if d.get("vulns")]
skipped = [d for d in dependencies if d.get("skip_reason")]
for dep in vulnerable:
    ids = ", ".join(v["id"] for v in dep["vulns"])
    print(f"VULNERABLE {dep['name']} {dep.get('version')}: {ids}")
if vulnerable:
    sys.exit(1)
if skipped and len(skipped) == len(dependencies):
    print(
        f"vulnerability audit NOT RUN: the PyPI JSON API reached from here knows none of the {len(dependencies)} "
        f"pinned packages (e.g. '{skipped[0]['skip_reason']}'); run `.ci/audit_dependencies.py` where pypi.org "
        "or api.osv.dev is reachable"
    )
    sys.exit(0)
for dep in skipped:
    print(f"not audited: {dep['skip_reason']}")
print(f"vulnerability audit: {len(dependencies) - len(skipped)} pinned packages checked, no known vulnerability")
sys.exit(1 if skipped else 0)
