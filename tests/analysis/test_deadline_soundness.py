"""Deadlines and periods a lawyer would act on: a wrong date stated confidently is worse than "undetermined,
because ...". Contracts written for these tests, plus the red-team cases they generalise."""

from __future__ import annotations

from datetime import date

from analysis import UNDETERMINED, TermKind, analyse, initial_term_end, renewal_deadlines

_PREAMBLE = (
    "HOSTING AGREEMENT\n\n"
    'This Hosting Agreement (the "Agreement") is entered into as of March 2, 2021 (the "Effective Date") by and '
    'between Orchard Mills Ltd ("Customer") and Cirrus Racks GmbH ("Host").\n\n'
)
_TAIL = (
    "\n\n7. Fees. Customer shall pay each invoice within thirty (30) days of receipt.\n\n"
    "8. Confidentiality. Each party shall keep the other party's information confidential.\n"
)


def _contract(*clauses: str) -> str:
    return _PREAMBLE + "\n\n".join(clauses) + _TAIL


def _first(text: str, kind: TermKind) -> str | None:
    found = analyse(text).first(kind)
    return found.value if found else None


# A term that starts on an undated event has no end and no notice deadline, whatever the effective date.


def test_term_from_an_undated_acceptance_has_no_end_and_no_deadline() -> None:
    text = _contract(
        "2. Term. This Agreement shall continue for a term of thirty-six (36) months commencing on the Acceptance Date.",
        "3. Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods "
        "unless either party gives notice of non-renewal at least sixty (60) days prior to the end of the "
        "then-current term.",
    )
    terms = analyse(text).terms
    assert _first(text, TermKind.EXPIRATION_DATE) == UNDETERMINED
    end = initial_term_end(terms)
    assert end.value is None
    assert end.reason and "not determined" in end.reason
    deadline = renewal_deadlines(terms, as_of=date(2022, 5, 1))
    assert deadline.current_term_end is None
    assert deadline.notice_deadline is None
    assert deadline.reason


def test_term_from_a_regulatory_clearance_is_not_counted_from_the_signing_date() -> None:
    text = (
        "LICENCE AGREEMENT\n\nThis Agreement is entered into on 9 October 2022 between Pell Mapping Ltd and "
        "Quarry Lane Software Ltd.\n\n"
        "2. Conditions. This Agreement shall come into force only upon receipt of the Licensing Authority's "
        "clearance.\n\n"
        "3. Term. This Agreement shall continue for three (3) years from the date it comes into force.\n\n"
        "4. Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods "
        "unless either party gives notice of non-renewal at least ninety (90) days prior to the end of the "
        "then-current term." + _TAIL
    )
    deadline = renewal_deadlines(analyse(text).terms, as_of=date(2023, 3, 1))
    assert deadline.current_term_end is None
    assert deadline.notice_deadline is None


def test_red_team_go_live_term_has_no_deadline() -> None:
    text = _contract(
        "3.1 Term. The Services shall be provided for a term of 24 months commencing on the Go-Live Date.",
        "3.2 Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods "
        "unless either party gives notice of non-renewal at least ninety (90) days prior to the end of the "
        "then-current term.",
    )
    deadline = renewal_deadlines(analyse(text).terms, as_of=date(2023, 1, 1))
    assert (deadline.current_term_end, deadline.notice_deadline) == (None, None)
