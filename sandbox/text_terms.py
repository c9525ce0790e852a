"""The key terms an imported document's text states, as record fields (read by the standalone `analysis` package).

The sandbox stands in for a vendor CLM, which runs its own extraction when a file is uploaded. A term the
text leaves blank, states in a way that cannot be counted (business days, an undated event) or states twice
with different values stays empty: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final

from analysis import (
    UNDETERMINED,
    KeyTerm,
    TermKind,
    analyse,
    from_iso,
    initial_term_end,
    parse_date,
    renewal_deadlines,
)


@dataclass(frozen=True)
class TextTerms:
    """The record's key terms as the document's text states them (None: not stated, or not determinable)."""

    effective_date: date | None = None
    execution_date: date | None = None
    expiration_date: date | None = None  # end of the term running at the business date
    initial_term_months: int | None = None
    auto_renew: bool | None = None
    renewal_term_months: int | None = None
    renewal_notice_days: int | None = None
    renewal_notice_date: date | None = None  # last day to give notice of non-renewal for that term
    payment_terms_days: int | None = None
    governing_law: str | None = None
    ended: bool = False  # a term that does not renew ended before the business date
    fields: tuple[str, ...] = field(default=())  # the record fields set from the text, in record order


def _stated(terms: Sequence[KeyTerm], kind: TermKind) -> KeyTerm | None:
    """The term of `kind`, if the text states it once (or several times alike); None when it contradicts itself."""
    found = [term for term in terms if term.kind == kind]
    if not found or any(term.value != found[0].value for term in found) or found[0].value == UNDETERMINED:
        return None
    return found[0]


def _date_of(terms: Sequence[KeyTerm], kind: TermKind) -> date | None:
    term = _stated(terms, kind)
    return None if term is None else parse_date(term.value)


def _count(terms: Sequence[KeyTerm], kind: TermKind, units: dict[str, int]) -> int | None:
    """The term's length in the record's unit (`units`: factor per duration unit); None if it has no exact count
    (business days, hours, a perpetual or undetermined value)."""
    term = _stated(terms, kind)
    duration = None if term is None else from_iso(term.value)
    if duration is None or duration.business or duration.unit not in units:
        return None
    return duration.amount * units[duration.unit]


_MONTHS: Final = {"month": 1, "year": 12}
_DAYS: Final = {"day": 1, "week": 7}


def derive_terms(text: str, as_of: date) -> TextTerms:
    """The record fields `text` states, read by `analysis` (see the module docstring for what stays empty)."""
    terms = analyse(text).terms
    renewal = _stated(terms, TermKind.AUTO_RENEWAL)
    auto_renew = None if renewal is None else renewal.value == "true"
    # The term's end follows from these; if the text gives two different values of one, it cannot be determined.
    dated = all(
        _stated(terms, kind) is not None or all(term.kind != kind for term in terms)
        for kind in (TermKind.EFFECTIVE_DATE, TermKind.AGREEMENT_DATE, TermKind.INITIAL_TERM, TermKind.EXPIRATION_DATE)
    )
    # Renewal wording without a readable "renews automatically": whether the term rolls on cannot be told.
    renewal_unclear = auto_renew is None and any(
        term.kind in (TermKind.RENEWAL_TERM, TermKind.RENEWAL_NOTICE_PERIOD) for term in terms
    )
    if not dated or renewal_unclear or (auto_renew and _stated(terms, TermKind.RENEWAL_TERM) is None):
        expiration, notice_date, ended = None, None, False
    elif auto_renew:
        standing = renewal_deadlines(terms, as_of)
        expiration, ended = standing.current_term_end, False
        # Two different notice periods: the tools give the earliest deadline with a warning; the record stays empty.
        notice_stated = _stated(terms, TermKind.RENEWAL_NOTICE_PERIOD) is not None
        notice_date = standing.notice_deadline if notice_stated else None
    else:
        expiration, notice_date = initial_term_end(terms).value, None
        ended = expiration is not None and expiration < as_of
    law = _stated(terms, TermKind.GOVERNING_LAW)
    found = TextTerms(
        effective_date=_date_of(terms, TermKind.EFFECTIVE_DATE),
        execution_date=_date_of(terms, TermKind.AGREEMENT_DATE),
        expiration_date=expiration,
        initial_term_months=_count(terms, TermKind.INITIAL_TERM, _MONTHS),
        auto_renew=auto_renew,
        renewal_term_months=_count(terms, TermKind.RENEWAL_TERM, _MONTHS) if auto_renew else None,
        renewal_notice_days=_count(terms, TermKind.RENEWAL_NOTICE_PERIOD, _DAYS) if auto_renew else None,
        renewal_notice_date=notice_date,
        payment_terms_days=_count(terms, TermKind.PAYMENT_TERMS, _DAYS),
        governing_law=None if law is None else law.value,
        ended=ended,
    )
    names = [
        name
        for name in (
            "effective_date",
            "execution_date",
            "expiration_date",
            "initial_term_months",
            "auto_renew",
            "renewal_term_months",
            "renewal_notice_days",
            "renewal_notice_date",
            "payment_terms_days",
            "governing_law",
        )
        if getattr(found, name) is not None
    ]
    return replace(found, fields=(*names, *(["status"] if ended else [])))
