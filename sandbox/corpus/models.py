"""What the corpus generator produces: contract records, their document text and ground truth.

The generator (`sandbox.corpus.generate`) yields these; the database layer stores them.
Ground truth records every fact the text states, with the exact character span, so the
plugin's contract analysis can be measured exactly (`text[start:end] == quote`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sandbox.api_models import ContractStatus, ContractType


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactKind(StrEnum):
    """Fact types shared with the plugin's analysis (same names, same normalisation)."""

    PARTIES = "parties"  # value: "Party A; Party B"
    AGREEMENT_DATE = "agreement_date"  # value: ISO date
    EFFECTIVE_DATE = "effective_date"  # value: ISO date
    INITIAL_TERM = "initial_term"  # value: ISO 8601 duration, e.g. "P2Y", "P36M"
    EXPIRATION_DATE = "expiration_date"  # value: ISO date (end of the initial term)
    AUTO_RENEWAL = "auto_renewal"  # value: "true" / "false"
    RENEWAL_TERM = "renewal_term"  # value: ISO 8601 duration, e.g. "P1Y"
    RENEWAL_NOTICE_PERIOD = "renewal_notice_period"  # value: duration, e.g. "P60D"
    TERMINATION_FOR_CONVENIENCE = "termination_for_convenience"  # value: notice duration or "true"
    PAYMENT_TERMS = "payment_terms"  # value: duration, e.g. "P30D" (net 30)
    LATE_FEE = "late_fee"  # value: e.g. "1.5% per month"
    GOVERNING_LAW = "governing_law"  # value: state or country name, e.g. "New York", "England and Wales"
    LIABILITY_CAP = "liability_cap"  # value: amount "USD 500000" or a multiple e.g. "12 months fees"
    CONFIDENTIALITY_PERIOD = "confidentiality_period"  # value: duration or "perpetual"
    WARRANTY_DURATION = "warranty_duration"  # value: duration
    AUDIT_RIGHTS = "audit_rights"  # value: "true" or notice duration
    INSURANCE = "insurance"  # value: amount, e.g. "USD 2000000"
    SLA = "sla"  # value: e.g. "99.9%"
    DATA_PROTECTION = "data_protection"  # value: breach notification duration, e.g. "PT72H"


class ObligationCategory(StrEnum):
    PAYMENT = "payment"
    REPORTING = "reporting"
    NOTICE = "notice"
    DELIVERY = "delivery"
    CONFIDENTIALITY = "confidentiality"
    DATA_PROTECTION = "data_protection"
    INSURANCE = "insurance"
    AUDIT = "audit"
    RENEWAL = "renewal"


class Span(Frozen):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str  # == text[start:end]
    section: str | None  # e.g. "12.2"


class TruthFact(Frozen):
    kind: FactKind
    value: str
    span: Span


class TruthObligation(Frozen):
    category: ObligationCategory
    party: str  # who must act
    action: str  # short paraphrase, e.g. "deliver a usage report"
    due: str  # "date:2025-03-01" | "after:P30D:invoice receipt" | "recurring:P3M:P30D" ...
    next_due: date | None  # next due date on/after the corpus' as-of date, when the text fixes one
    recurrence: str | None  # ISO 8601 duration of the recurrence, e.g. "P3M"; None if one-off
    span: Span


class TruthMark(Frozen):
    """Something a document does that is not a key term: `name` "precedence" (value "override_allowed" when the
    document lets its express modifications of the agreement prevail, "agreement_prevails" when it does not) or
    "override" (value "<fact kind>|<section of the agreement it sets aside>", e.g. "payment_terms|4.3")."""

    name: Literal["precedence", "override"]
    value: str
    span: Span


class TruthSection(Frozen):
    number: str  # "12.2"
    heading: str  # "Termination for Convenience"
    start: int
    end: int


ChangeOp = Literal["replace", "modify", "add", "delete"]


class TermChange(Frozen):
    """One change an amendment makes to its base agreement's terms (planned with the records).

    `clause` is the base's clause key the change acts on ("term.renewal", "payment.terms", ...);
    `values` the normalised facts the clause states afterwards ({} when it is deleted), `previous`
    the facts in force just before (what "deleting X and replacing it with Y" quotes).
    """

    clause: str
    op: ChangeOp  # replace: section restated; modify: words swapped / "extended to"; add: new section
    values: dict[FactKind, str]
    previous: dict[FactKind, str] = Field(default_factory=dict)


class AsSigned(Frozen):
    """The base agreement's record fields as its own text states them, before any amendment.

    The CLM record holds the consolidated (amended) terms; the base document is rendered from these."""

    status: ContractStatus
    expiration_date: date | None
    initial_term_months: int | None
    auto_renew: bool
    renewal_term_months: int | None
    renewal_notice_days: int | None
    renewal_notice_date: date | None
    payment_terms_days: int | None
    liability_cap_amount: float | None
    liability_cap_description: str | None


class Provenance(Frozen):
    document_id: str  # the base contract's id or the amendment's
    section: str | None  # where that document states it, e.g. "9.2"
    value: str | None  # the value it set (None: the term was deleted)


class ConsolidatedFact(Frozen):
    """A term in force after applying the executed amendments in effective-date order."""

    kind: FactKind
    value: str | None  # None: the term no longer exists (its section was deleted)
    source: Provenance  # who set the value in force
    superseded: list[Provenance] = Field(default_factory=list)  # earlier values, oldest first


class ConsolidatedTruth(Frozen):
    amendments: list[str]  # the executed amendments applied, in effective-date order
    pending: list[str] = Field(default_factory=list)  # unsigned amendments: stated but not in force
    facts: list[ConsolidatedFact]
    renewal_notice_deadline: date | None  # = the CLM record's, for the consolidated terms
    current_term_end: date | None
    next_notice_deadline: date | None  # first one on/after the as-of date (what the CLM tracks)


class GroundTruth(Frozen):
    facts: list[TruthFact]
    obligations: list[TruthObligation]
    sections: list[TruthSection]
    # Both for the current term at the corpus' as-of date, as this document's own text implies
    # (for an amended base: the terms as signed; `consolidated` holds the terms in force).
    renewal_notice_deadline: date | None
    current_term_end: date | None
    adversarial: list[str] = Field(default_factory=list)  # e.g. ["huge", "invisible_chars", "injection"]
    marks: list[TruthMark] = Field(default_factory=list)  # precedence clauses and express overrides (SOW, order)
    consolidated: ConsolidatedTruth | None = None  # a base agreement with amendments (set by render_contract)


class GeneratedCounterparty(Frozen):
    id: str
    name: str
    country: str


class ContractRecord(Frozen):
    """The structured record of one contract; the document text is rendered from it."""

    id: str
    number: str
    title: str
    type: ContractType
    status: ContractStatus
    counterparty_id: str
    our_entity: str
    owner_name: str
    owner_email: str
    effective_date: date | None
    execution_date: date | None
    expiration_date: date | None  # end of the current term (rolled forward for auto-renewal)
    initial_term_months: int | None
    auto_renew: bool
    renewal_term_months: int | None
    renewal_notice_days: int | None
    renewal_notice_date: date | None
    termination_for_convenience: bool
    convenience_party: str | None
    convenience_notice_days: int | None
    cure_days: int | None
    payment_terms_days: int | None
    total_value: float | None
    annual_value: float | None
    currency: str | None
    governing_law: str | None
    liability_cap_amount: float | None
    liability_cap_description: str | None
    parent_id: str | None
    amends_id: str | None
    tags: list[str]
    updated_at: datetime
    adversarial: list[str] = Field(default_factory=list)  # document variants to render, see GroundTruth
    # Not CLM fields (the database leaves them out): what the generator needs to render amendments.
    changes: list[TermChange] = Field(default_factory=list)  # an amendment's changes to its base
    as_signed: AsSigned | None = None  # an amended base: its terms before the amendments

    def signed_view(self) -> ContractRecord:
        """The record as its own document states it (the terms before any amendment)."""
        if self.as_signed is None:
            return self
        return self.model_copy(update={**dict(self.as_signed), "as_signed": None})


class GeneratedContract(Frozen):
    record: ContractRecord
    text: str  # the full document ("" for a scanned document with no text layer)
    truth: GroundTruth


class Corpus(Frozen):
    """Parameters that fully determine a corpus (same values -> byte-identical output)."""

    contracts: int = Field(ge=1, le=1_000_000)
    seed: int
    as_of: date
