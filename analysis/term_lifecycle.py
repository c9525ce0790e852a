"""The life of a contract as key terms: agreement and effective dates, initial term and expiry, renewal and
the notice period that stops it, assembled from `term_dates`, `term_length` and `term_renewal`.

Rules, not guesses: a value is stated only when the text fixes it; otherwise the term carries
`UNDETERMINED` (or is left out) and the document gets a warning saying what could not be determined.
"""

from __future__ import annotations

from datetime import date, timedelta

from analysis.context import Document
from analysis.dates import DateResult, add_duration
from analysis.models import PERPETUAL, UNDETERMINED, KeyTerm, TermKind
from analysis.term_dates import FoundDate, find_agreement_date, find_effective_date
from analysis.term_length import TermFinding, find_term, last_day_of_month, planned_start
from analysis.term_renewal import find_no_automatic_renewal, find_renewal, find_renewal_notice

# The display of an expiration date that is an undated event ("until the Royalty Term expires"): no calendar end.
ENDS_ON_EVENT = "ends on an event (see quote)"

# --- assembling the terms ---------------------------------------------------------------------------------


def _date_term(doc: Document, kind: TermKind, found: FoundDate) -> KeyTerm:
    reason = found.match.reason or "the date is incomplete"
    # An undetermined date says why where the value is read, not only in the document's warnings.
    display = found.match.value.strftime("%B %-d, %Y") if found.match.value else f"cannot be determined: {reason}"
    if found.match.value is None:
        doc.warnings.append(f"{kind.value}: {reason} in the text")
    end = found.cite_end if found.cite_end is not None else found.match.end
    return doc.term(kind, found.value, display, found.cite_start, end, found.confidence)


def _start_of_term(
    doc: Document, term: TermFinding, agreement: FoundDate | None, effective: FoundDate | None
) -> tuple[date | None, float]:
    """The date the initial term runs from, and how sure we are of it."""
    if term.start_date is not None:
        return term.start_date, 0.9
    what = term.start_what or ""
    planned = planned_start(doc, what)
    if planned is not None:
        return planned, 0.6  # a date the parties planned, not one the text fixes
    if what.startswith("event: "):
        return None, 0.0
    agreement_value = agreement.match.value if agreement else None
    effective_value = effective.match.value if effective else None
    if (
        effective is not None
        and effective_value is None
        and (not what or "effective" in what or "commencement" in what)
    ):
        # The contract takes effect on an event the text does not date: the date it bears is not its start.
        return None, 0.0
    if "effective" in what or "commencement" in what:
        return (effective_value or agreement_value), 0.8
    if what:
        return agreement_value, 0.75
    return (effective_value or agreement_value), 0.6


def lifecycle_terms(doc: Document) -> list[KeyTerm]:
    terms: list[KeyTerm] = []
    agreement = find_agreement_date(doc)
    if agreement is not None:
        terms.append(_date_term(doc, TermKind.AGREEMENT_DATE, agreement))
    effective = find_effective_date(doc, agreement)
    if effective is not None:
        terms.append(_date_term(doc, TermKind.EFFECTIVE_DATE, effective))

    term = find_term(doc)
    if term is not None:
        cite = (term.window.start, term.window.end)
        if term.duration is not None:
            terms.append(doc.term(TermKind.INITIAL_TERM, term.duration.iso, term.duration.display, *cite, 0.85))
        if term.expiry is not None:
            terms.append(
                doc.term(
                    TermKind.EXPIRATION_DATE, term.expiry.isoformat(), term.expiry.strftime("%B %-d, %Y"), *cite, 0.9
                )
            )
        elif term.perpetual:
            terms.append(doc.term(TermKind.EXPIRATION_DATE, PERPETUAL, "no fixed expiry (perpetual)", *cite, 0.7))
            terms.append(doc.term(TermKind.INITIAL_TERM, PERPETUAL, "no fixed term (perpetual)", *cite, 0.7))
        elif term.duration is not None:
            start, confidence = _start_of_term(doc, term, agreement, effective)
            computed = add_duration(start, term.duration) if start else None
            if computed is not None and computed.value is not None and term.day_before:
                computed = DateResult(value=computed.value - timedelta(days=1))
            if computed is not None and computed.value is not None and term.month_end:
                computed = DateResult(value=last_day_of_month(computed.value))
            if computed is not None and computed.value is not None:
                display = f"{computed.value.strftime('%B %-d, %Y')} ({term.duration.display} from {start:%B %-d, %Y})"
                terms.append(doc.term(TermKind.EXPIRATION_DATE, computed.value.isoformat(), display, *cite, confidence))
            else:
                start_what = term.start_what or ""
                if computed is not None:
                    reason = computed.reason or "the end of the term cannot be computed"
                elif start_what.startswith("event: "):
                    reason = f"the term runs from {start_what[7:]!r}, which the text does not date"
                elif effective is not None and effective.match.value is None:
                    reason = "the term runs from the effective date, which the text ties to an event it does not date"
                else:
                    reason = "the date the term starts from is not stated"
                doc.warnings.append(f"expiration_date: {reason}")
                terms.append(
                    doc.term(
                        TermKind.EXPIRATION_DATE,
                        UNDETERMINED,
                        f"{term.duration.display} from an undetermined start",
                        *cite,
                        0.5,
                    )
                )
        else:
            doc.warnings.append("expiration_date: the term ends on an event the text does not date")
            terms.append(doc.term(TermKind.EXPIRATION_DATE, UNDETERMINED, ENDS_ON_EVENT, *cite, 0.4))

    renewal = find_renewal(doc)
    if renewal is None or not renewal.automatic:
        no_renewal = find_no_automatic_renewal(doc)
        if no_renewal is not None:
            terms.append(
                doc.term(
                    TermKind.AUTO_RENEWAL,
                    "false",
                    "does not renew automatically",
                    no_renewal.start,
                    no_renewal.end,
                    0.85,
                )
            )
    if renewal is not None:
        cite = (renewal.window.start, renewal.window.end)
        if renewal.automatic:
            terms.append(doc.term(TermKind.AUTO_RENEWAL, "true", "renews automatically", *cite, 0.85))
        length = renewal.term
        if length is None and renewal.same_as_initial and term is not None and term.duration is not None:
            length = term.duration
        if length is not None:
            terms.append(
                doc.term(TermKind.RENEWAL_TERM, length.iso, length.display, *cite, 0.85 if renewal.automatic else 0.6)
            )
        elif renewal.perpetual:
            terms.append(doc.term(TermKind.RENEWAL_TERM, PERPETUAL, "continues until terminated", *cite, 0.6))
        else:
            terms.append(doc.term(TermKind.RENEWAL_TERM, UNDETERMINED, "renewal length not stated", *cite, 0.4))
    notices = find_renewal_notice(doc, renewal)
    for notice in notices:
        cite = (notice.window.start, notice.window.end)
        if notice.period is None:
            doc.warnings.append("renewal_notice_period: the notice period is redacted or left blank in the text")
            terms.append(
                doc.term(TermKind.RENEWAL_NOTICE_PERIOD, UNDETERMINED, "not stated (redacted or blank)", *cite, 0.5)
            )
            continue
        if notice.period.business:
            # ISO 8601 has no business days, and "P60D" would be counted as calendar days, weeks too late:
            # the period stays in the display and the value says it cannot be counted on the calendar.
            doc.warnings.append(
                f"renewal_notice_period: the notice period is {notice.period.display}; its calendar deadline "
                "depends on which days are business days, so none is computed"
            )
            terms.append(
                doc.term(TermKind.RENEWAL_NOTICE_PERIOD, UNDETERMINED, notice.period.display, *cite, notice.confidence)
            )
            continue
        terms.append(
            doc.term(TermKind.RENEWAL_NOTICE_PERIOD, notice.period.iso, notice.period.display, *cite, notice.confidence)
        )
    if len(notices) > 1:
        stated = "; ".join(notice.period.display for notice in notices if notice.period is not None)
        doc.warnings.append(f"renewal_notice_period: the contract states different notice periods: {stated}")
    return terms
