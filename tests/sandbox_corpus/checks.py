"""What a rendered document must satisfy, written independently of the renderer's internals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sandbox.api_models import ContractStatus, ContractType
from sandbox.corpus.clauses.invisible import strip_invisible
from sandbox.corpus.clauses.wording import all_date_renderings, words
from sandbox.corpus.models import ContractRecord, FactKind, GeneratedCounterparty, GroundTruth, Span
from sandbox.corpus.terms import add_months

F = FactKind


@dataclass(frozen=True)
class Rendered:
    record: ContractRecord
    counterparty: GeneratedCounterparty
    parent: ContractRecord | None
    as_of: date
    seed: int
    text: str
    truth: GroundTruth

    @property
    def label(self) -> str:
        return f"{self.record.id} ({self.record.type.value}, {self.record.adversarial})"


def spans(truth: GroundTruth) -> list[Span]:
    return [f.span for f in truth.facts] + [o.span for o in truth.obligations]


def values(truth: GroundTruth, kind: FactKind) -> set[str]:
    return {f.value for f in truth.facts if f.kind == kind}


# -- expected values from the record ------------------------------------------------------------------


def months_values(months: int) -> set[str]:
    """A period of months may be written in months or, when whole, in years."""
    out = {f"P{months}M"}
    if months % 12 == 0:
        out.add(f"P{months // 12}Y")
    return out


def cap_expected(record: ContractRecord, parent: ContractRecord | None) -> str | None:
    currency = record.currency or (parent.currency if parent is not None else None) or "USD"
    if record.liability_cap_amount is not None:
        amount = record.liability_cap_amount
        number = str(int(amount)) if amount == int(amount) else f"{amount:.2f}"
        return f"{currency} {number}"
    if record.liability_cap_description:
        match = re.search(r"(\d+) months", record.liability_cap_description)
        return f"{match.group(1)} months fees" if match else record.liability_cap_description
    return None


def fixed_end(record: ContractRecord) -> date | None:
    """An expiry the text states as a date when no initial term is given (never a termination date)."""
    if record.initial_term_months or record.auto_renew or record.status == ContractStatus.TERMINATED:
        return None
    return record.expiration_date


@dataclass(frozen=True)
class Expectation:
    required: set[str] | None  # the fact must be stated with one of these values (None: need not be)
    allowed: set[str]  # every stated value must be one of these (empty: must not be stated)


def expectations(doc: Rendered) -> dict[FactKind, Expectation]:
    # The text states an amended base's terms as signed (the record holds the consolidated ones).
    r = doc.record.signed_view()
    parent = doc.parent.signed_view() if doc.parent is not None else None
    amendment = r.type == ContractType.AMENDMENT
    out: dict[FactKind, Expectation] = {}

    def exact(kind: FactKind, value_set: set[str] | None, required: bool = True) -> None:
        out[kind] = Expectation(value_set if required and value_set else None, value_set or set())

    ours, theirs = r.our_entity, doc.counterparty.name
    exact(F.PARTIES, {f"{ours}; {theirs}", f"{theirs}; {ours}"})
    exact(F.EFFECTIVE_DATE, {r.effective_date.isoformat()} if r.effective_date else None)
    exact(F.AGREEMENT_DATE, {r.execution_date.isoformat()} if r.execution_date else None)
    if amendment:
        exact(F.INITIAL_TERM, None)
        # An amendment may extend the term to the record's (current) expiry.
        extended = None if r.auto_renew or r.status == ContractStatus.TERMINATED else r.expiration_date
        exact(F.EXPIRATION_DATE, {extended.isoformat()} if extended else None)
    else:
        exact(F.INITIAL_TERM, months_values(r.initial_term_months) if r.initial_term_months else None)
        if r.initial_term_months and r.effective_date:
            exact(F.EXPIRATION_DATE, {add_months(r.effective_date, r.initial_term_months).isoformat()})
        elif r.initial_term_months:
            exact(F.EXPIRATION_DATE, None)
        else:
            end = fixed_end(r)
            exact(F.EXPIRATION_DATE, {end.isoformat()} if end else None)
    if r.auto_renew:
        exact(F.AUTO_RENEWAL, {"true"})
    else:
        exact(F.AUTO_RENEWAL, {"false"}, required=False)
    exact(F.RENEWAL_TERM, months_values(r.renewal_term_months) if r.auto_renew and r.renewal_term_months else None)
    notice = r.renewal_notice_days if r.auto_renew else None
    exact(F.RENEWAL_NOTICE_PERIOD, {f"P{notice}D"} if notice else None)
    if r.termination_for_convenience:
        value = f"P{r.convenience_notice_days}D" if r.convenience_notice_days else "true"
        # A DPA has no termination clause of its own (it ends with its agreement).
        exact(F.TERMINATION_FOR_CONVENIENCE, {value}, required=r.type != ContractType.DPA)
    else:
        exact(F.TERMINATION_FOR_CONVENIENCE, None)
    paying = r.type not in (ContractType.NDA, ContractType.DPA)
    if r.payment_terms_days:
        exact(F.PAYMENT_TERMS, {f"P{r.payment_terms_days}D"}, required=paying)
    else:
        exact(F.PAYMENT_TERMS, None)
    exact(F.GOVERNING_LAW, {r.governing_law} if r.governing_law else None)
    cap = cap_expected(r, parent)
    exact(F.LIABILITY_CAP, {cap} if cap else None)
    for change in r.changes:  # an amendment may state the new values of the terms it changes
        for kind, value in [*change.values.items(), *([(F.AUTO_RENEWAL, "false")] if change.op == "delete" else [])]:
            forms = months_values(int(value[1:-1])) if value.startswith("P") and value.endswith("M") else {value}
            before = out.get(kind, Expectation(None, set()))
            out[kind] = Expectation(before.required, before.allowed | forms)
    return out


# Facts whose value no record field holds: only their normal form is checked.
FORMATS: dict[FactKind, re.Pattern[str]] = {
    F.LATE_FEE: re.compile(r"^\d+(\.\d+)?% per (month|annum)$"),
    F.SLA: re.compile(r"^\d{2}(\.\d+)?%$"),
    F.CONFIDENTIALITY_PERIOD: re.compile(r"^(P\d+[YM]|perpetual)$"),
    F.WARRANTY_DURATION: re.compile(r"^P\d+[DMY]$"),
    F.AUDIT_RIGHTS: re.compile(r"^(P\d+D|true)$"),
    F.INSURANCE: re.compile(r"^[A-Z]{3} \d+$"),
    F.DATA_PROTECTION: re.compile(r"^PT\d+H$"),
}


# -- does the quote really state the value? -----------------------------------------------------------


def _number_forms(n: int) -> tuple[str, ...]:
    return (str(n), words(n), f"{n:,}")


def states(kind: FactKind, value: str, quote: str) -> bool:
    """Independent evidence that `quote` states `value` (what a reviewer highlighting it would check)."""
    q = strip_invisible(quote)
    low = q.lower()
    if kind == F.PARTIES:
        return all(name in q for name in value.split("; "))
    if kind in (F.EFFECTIVE_DATE, F.AGREEMENT_DATE, F.EXPIRATION_DATE):
        day = date.fromisoformat(value)
        if any(rendering in q for rendering in all_date_renderings(day)):
            return True
        # An expiry may be stated as a term from the effective date ("for three (3) years from the
        # Effective Date", "on the third anniversary of the Effective Date").
        return (
            kind == F.EXPIRATION_DATE
            and "effective date" in low
            and re.search(r"\b(month|year|anniversary)", low) is not None
        )
    if kind in (F.AUTO_RENEWAL,):
        return "renew" in low or "extended" in low
    if kind == F.GOVERNING_LAW:
        return value in q
    if kind == F.SLA:
        return value in q
    if kind == F.LATE_FEE:
        rate, _, period = value.partition(" per ")
        return rate in q.replace(".0%", "%") and f"per {period}" in q
    if kind == F.CONFIDENTIALITY_PERIOD and value == "perpetual":
        return any(word in low for word in ("perpetu", "indefinitely"))
    if kind in (F.AUDIT_RIGHTS, F.TERMINATION_FOR_CONVENIENCE) and value == "true":
        return "audit" in low or "terminat" in low
    if kind in (F.INSURANCE, F.LIABILITY_CAP) and " " in value and value.split(" ")[1].replace(".", "").isdigit():
        amount = float(value.split(" ")[1])
        grouped = f"{amount:,.2f}" if amount != int(amount) else f"{int(amount):,}"
        return grouped in q
    if kind == F.LIABILITY_CAP and value.endswith("months fees"):
        n = int(value.split(" ")[0])
        return any(form in low for form in _number_forms(n)) and "month" in low
    match = re.fullmatch(r"PT?(\d+)([DMYH])", value)
    if match:
        n, unit = int(match.group(1)), match.group(2)
        unit_word = {"D": "day", "M": "month", "Y": "year", "H": "hour"}[unit]
        if unit == "Y" and "anniversary" in low:
            return True
        return any(form in low for form in _number_forms(n)) and unit_word in low
    return False


INVISIBLE_RUN = re.compile("[\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]")
