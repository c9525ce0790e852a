"""Client-side models of what the plugin needs from a CLM.

A fork that talks to another CLM keeps these shapes and maps its API onto them in `client.py`;
the tools only ever see these models. Unknown fields from the CLM are ignored, not errors.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ClmModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)  # built on first use


class CounterpartyRef(ClmModel):
    id: str
    name: str


class Counterparty(ClmModel):
    id: str
    name: str
    country: str | None = None
    contract_count: int | None = None


class ContractSummary(ClmModel):
    id: str
    number: str
    title: str
    type: str
    status: str
    counterparty: CounterpartyRef
    effective_date: date | None = None
    expiration_date: date | None = None
    auto_renew: bool = False
    renewal_notice_date: date | None = None
    total_value: float | None = None
    annual_value: float | None = None
    currency: str | None = None
    parent_id: str | None = None
    updated_at: datetime | None = None


class Term(ClmModel):
    initial_term_months: int | None = None
    auto_renew: bool = False
    renewal_term_months: int | None = None
    renewal_notice_days: int | None = None
    current_term_end: date | None = None


class Termination(ClmModel):
    for_convenience: bool = False
    convenience_party: str | None = None
    convenience_notice_days: int | None = None
    for_cause_cure_days: int | None = None


class LiabilityCap(ClmModel):
    amount: float | None = None
    currency: str | None = None
    description: str = ""


class RelatedContract(ClmModel):
    id: str
    relation: str
    number: str
    title: str
    type: str
    status: str


class Owner(ClmModel):
    name: str
    email: str


class DocumentInfo(ClmModel):
    total_chars: int
    sha256: str
    has_text: bool = True
    mime_type: str = "text/plain"


class ContractDetail(ContractSummary):
    our_entity: str | None = None
    owner: Owner | None = None
    execution_date: date | None = None
    term: Term = Field(default_factory=Term)
    termination: Termination = Field(default_factory=Termination)
    payment_terms_days: int | None = None
    governing_law: str | None = None
    liability_cap: LiabilityCap | None = None
    related: list[RelatedContract] = Field(default_factory=list)
    document: DocumentInfo | None = None
    tags: list[str] = Field(default_factory=list)


class Page(ClmModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = None
    total: int | None = None


class DocumentChunk(ClmModel):
    contract_id: str
    offset: int
    text: str
    next_offset: int | None
    total_chars: int
    sha256: str


class Obligation(ClmModel):
    id: str
    contract_id: str
    contract_number: str
    counterparty: CounterpartyRef
    category: str
    party: str
    description: str
    due_date: date
    recurrence: str | None = None
    section: str | None = None


class AnnotationTarget(ClmModel):
    section: str | None = None
    start: int | None = None
    end: int | None = None


class Annotation(ClmModel):
    id: str
    contract_id: str
    body: str
    target: AnnotationTarget | None = None
    author: str
    author_type: str
    created_at: datetime


class Meta(ClmModel):
    api_version: str | None = None
    region: str | None = None
    as_of: date | None = None
    contracts: int | None = None


class ContractFilters(ClmModel):
    """Server-side filters; every value is sent as an encoded query parameter, never spliced."""

    q: str | None = None
    counterparty: str | None = None
    counterparty_id: str | None = None
    types: list[str] = Field(default_factory=list)
    statuses: list[str] = Field(default_factory=list)
    effective_after: date | None = None
    effective_before: date | None = None
    expires_after: date | None = None
    expires_before: date | None = None
    renewal_notice_after: date | None = None
    renewal_notice_before: date | None = None
    auto_renew: bool | None = None
    parent_id: str | None = None
    sort: str | None = None


class ObligationFilters(ClmModel):
    due_after: date | None = None
    due_before: date | None = None
    counterparty: str | None = None
    counterparty_id: str | None = None
    contract_id: str | None = None
    categories: list[str] = Field(default_factory=list)
