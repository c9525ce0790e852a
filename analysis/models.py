"""The structured, cited facts that contract analysis produces.

Every fact carries a `Citation` whose `quote` is exactly `text[start:end]` of the text passed to
`analysis.analyse`: offsets always index that original text, never a cleaned copy.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermKind(StrEnum):
    """Key-term kinds; the strings match the sandbox ground truth (`sandbox.corpus.models.FactKind`)."""

    PARTIES = "parties"  # "Party A; Party B"
    AGREEMENT_DATE = "agreement_date"  # ISO date, or UNDETERMINED when the text leaves it blank
    EFFECTIVE_DATE = "effective_date"  # ISO date, or UNDETERMINED
    INITIAL_TERM = "initial_term"  # ISO 8601 duration ("P2Y") or "perpetual"
    EXPIRATION_DATE = "expiration_date"  # ISO date, "perpetual", or UNDETERMINED
    AUTO_RENEWAL = "auto_renewal"  # "true" / "false"
    RENEWAL_TERM = "renewal_term"  # ISO 8601 duration, or "perpetual"
    RENEWAL_NOTICE_PERIOD = "renewal_notice_period"  # ISO 8601 duration ("P90D")
    TERMINATION_FOR_CONVENIENCE = "termination_for_convenience"  # notice duration or "true"
    PAYMENT_TERMS = "payment_terms"  # ISO 8601 duration ("P30D" for net 30)
    LATE_FEE = "late_fee"  # "1.5% per month"
    GOVERNING_LAW = "governing_law"  # state or country name ("New York", "England and Wales")
    LIABILITY_CAP = "liability_cap"  # "USD 500000", "12 months fees", or "true"
    CONFIDENTIALITY_PERIOD = "confidentiality_period"  # ISO 8601 duration or "perpetual"
    WARRANTY_DURATION = "warranty_duration"  # ISO 8601 duration or "true"
    AUDIT_RIGHTS = "audit_rights"  # "true" or notice duration
    INSURANCE = "insurance"  # "USD 2000000" or "true"
    SLA = "sla"  # "99.9%"
    DATA_PROTECTION = "data_protection"  # breach-notification duration ("PT72H") or "true"


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


# The value of a fact the text states but does not fix (e.g. "this ___ day of ______, 2004").
UNDETERMINED = "undetermined"
PERPETUAL = "perpetual"
# CLM statuses of a document that is not (yet) binding.
UNSIGNED_STATUSES = frozenset({"draft", "in_negotiation", "pending_signature", "pending", "unsigned", "cancelled"})


class Citation(Frozen):
    """Where a fact comes from. Invariant: `quote == text[start:end]` of the analysed text."""

    section: str | None = Field(description="Section number, e.g. '12.2' or 'VII'")
    heading: str | None = Field(description="Section heading, e.g. 'Termination for Convenience'")
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    confidence: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _span_matches_quote(self) -> Self:
        if self.end - self.start != len(self.quote):
            raise ValueError("citation quote length must equal end - start")
        return self


class Clause(Frozen):
    """One numbered section of the document: `text[start:end]` is its full text, heading included."""

    number: str | None = Field(description="'12.2', 'VII', '7.1(a)'; None for an unnumbered heading")
    heading: str | None
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    level: int = Field(ge=0, description="0 = article/top level, 1 = '12.2', 2 = '12.2.1' or '(a)', ...")


class KeyTerm(Frozen):
    kind: TermKind
    value: str = Field(description="Normalised value (ISO dates and durations, 'true'/'false', ...)")
    display: str = Field(description="Human-readable value")
    citation: Citation


DueKind = Literal["date", "relative", "recurring", "unspecified"]


class Due(Frozen):
    """When an obligation falls due. Nothing here is guessed: unknown parts stay None."""

    kind: DueKind
    date: dt.date | None = None
    period: str | None = Field(default=None, description="ISO 8601 duration, e.g. 'P30D'")
    event: str | None = Field(default=None, description="e.g. 'receipt of invoice'")
    recurrence: str | None = Field(default=None, description="ISO 8601 duration of the cycle, e.g. 'P3M'")


class Obligation(Frozen):
    category: ObligationCategory
    party: str | None = Field(description="Who must act, as the contract names them")
    action: str = Field(description="What must be done (short, taken from the text)")
    due: Due
    citation: Citation


class ContractAnalysis(Frozen):
    clauses: list[Clause]
    terms: list[KeyTerm]
    obligations: list[Obligation]
    warnings: list[str]

    def first(self, kind: TermKind) -> KeyTerm | None:
        """The best-supported term of a kind (terms are ordered by confidence within a kind)."""
        return next((term for term in self.terms if term.kind == kind), None)
