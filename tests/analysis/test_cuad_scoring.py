"""The CUAD scorer in bench/cuad_eval.py: the two corrections it makes to CUAD's expiration-date answers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def _scorer() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "cuad_eval.py"
    spec = importlib.util.spec_from_file_location("cuad_eval_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


SCORER = _scorer()


def test_an_expiration_year_typed_with_two_digits_is_read_in_this_century() -> None:
    assert SCORER.gold_value("Expiration Date", "12/31/1934") == ["2034-12-31"]
    assert SCORER.gold_value("Expiration Date", "12/31/1999") == ["1999-12-31"]
    assert SCORER.gold_value("Agreement Date", "12/31/1934") == ["1934-12-31"]


def test_an_expiration_date_may_be_its_last_day_or_the_anniversary_only_when_asked() -> None:
    assert not SCORER.value_matches("Expiration Date", "2021-05-31", ["2021-06-01"])  # exact by default
    assert SCORER.value_matches("Expiration Date", "2021-05-31", ["2021-06-01"], one_day_tolerance=True)
    assert SCORER.value_matches("Expiration Date", "2005-01-01", ["2004-12-31"], one_day_tolerance=True)
    assert not SCORER.value_matches("Expiration Date", "2005-01-02", ["2004-12-31"], one_day_tolerance=True)
    assert not SCORER.value_matches("Effective Date", "2021-05-31", ["2021-06-01"], one_day_tolerance=True)
    assert not SCORER.value_matches("Expiration Date", "perpetual", ["2021-06-01"], one_day_tolerance=True)
