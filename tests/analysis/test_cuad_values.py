"""The CUAD evaluation writes the analysis values in CUAD's answer vocabulary (contracts written for these tests)."""

from __future__ import annotations

from analysis import PERPETUAL, UNDETERMINED, TermKind, analyse
from bench.cuad_eval import cuad_value

PREAMBLE = (
    'SUPPLY AGREEMENT\n\nThis Supply Agreement is entered into as of June 1, 2020 (the "Effective Date") between '
    'Orchid Labs Inc. ("Orchid") and Kestrel Freight LLC ("Kestrel").\n\n1. Term\n1.1 '
)


def _expiry_value(sentence: str) -> tuple[str, str]:
    term = analyse(PREAMBLE + sentence + "\n").first(TermKind.EXPIRATION_DATE)
    assert term is not None
    return term.value, cuad_value(term)


def test_a_term_ending_on_an_undated_event_is_perpetual_in_cuad_words_and_undetermined_in_ours() -> None:
    ours, cuad = _expiry_value("This Agreement shall continue until the expiration of the last Licensed Patent.")
    assert ours == UNDETERMINED
    assert cuad == PERPETUAL


def test_a_term_from_an_undated_start_stays_undetermined() -> None:
    ours, cuad = _expiry_value("The term of this Agreement is two (2) years from the date the Plant first ships.")
    assert ours == cuad == UNDETERMINED


def test_dates_are_written_as_they_are() -> None:
    ours, cuad = _expiry_value("This Agreement shall continue in effect through June 30, 2022.")
    assert ours == cuad == "2022-06-30"
