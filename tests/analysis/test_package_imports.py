"""The package's names load their modules on first use: what a list tool's rows need (dates, the renewal state)
must not import the rule modules, and every name is the object its module defines, whatever was imported first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import analysis

ROOT = Path(__file__).resolve().parents[2]
RULES = ("analysis.terms", "analysis.consolidation", "analysis.amendments", "analysis.obligations")


def _fresh(code: str) -> Any:
    """`code`'s last expression, evaluated in a new interpreter (a module once imported stays imported here)."""
    *lines, last = code.strip().splitlines()
    script = "\n".join([*lines, f"import json, sys; print(json.dumps({last}))"])
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_renewal_state_and_dates_load_without_the_rule_modules() -> None:
    loaded = _fresh(
        "from analysis import ClmRecord, TermFacts, renewal_state, parse_duration, add_duration, TermKind\n"
        f"[m for m in {list(RULES)!r} if m in sys.modules]"
    )
    assert loaded == []


def test_analyse_loads_the_rules_it_needs() -> None:
    loaded, found = _fresh(
        "import analysis\nterms = analysis.analyse('The term of this Agreement is two (2) years.').terms\n"
        f"([m for m in {list(RULES)!r} if m in sys.modules], [(t.kind.value, t.value) for t in terms])"
    )
    assert {"analysis.terms", "analysis.obligations"} <= set(loaded)
    assert ["initial_term", "P2Y"] in found


def test_a_name_shared_with_a_module_is_the_function_even_when_the_module_loaded_first() -> None:
    # A submodule imported on its own is bound on the package under its name; the package's function of the
    # same name must not be shadowed by it.
    kinds = _fresh(
        "import analysis.sections, analysis.consolidation, analysis.renewal_states\n"
        "from analysis import segment, consolidate, renewal_state\n"
        "[type(f).__name__ for f in (segment, consolidate, renewal_state)]"
    )
    assert kinds == ["function", "function", "function"]


def test_every_public_name_resolves_to_its_module_object() -> None:
    missing = [name for name in analysis.__all__ if not hasattr(analysis, name)]
    assert missing == []
    assert set(analysis.__all__) <= set(dir(analysis))
    assert analysis.renewal_state.__module__ == "analysis.renewal_states"
    with pytest.raises(AttributeError, match="no_such_name"):
        analysis.no_such_name  # type: ignore[attr-defined]  # noqa: B018
