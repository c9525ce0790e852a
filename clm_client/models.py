"""Client-side models of what the plugin needs from a CLM.

A fork that talks to another CLM keeps these shapes and maps its API onto them in `client.py`;
the tools only ever see these models. Unknown fields from the CLM are ignored, not errors.

This is the adapter boundary where everything the CLM returns is sanitised, once: identifiers must
match the id pattern (else `[backend_error]`), single-line text (`Line`) loses control, invisible,
bidi and tag characters and every line break, free text (`FreeText`) keeps its line breaks, and
both have any spelling of the untrusted-content delimiter defused (`plugin.toolkit.untrusted`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from plugin.toolkit.inputs import ID_PATTERN
from plugin.toolkit.untrusted import clean_identifier, clean_text, strip_invisible

T = TypeVar("T")

_ID = re.compile(ID_PATTERN)
_CURSOR = re.compile(r"[A-Za-z0-9_\-=.~]{1,2000}")  # what the tools accept back as `cursor`

ClmId = Annotated[str, AfterValidator(partial(clean_identifier, pattern=_ID, what="identifier", label="CLM"))]
Line = Annotated[str, AfterValidator(clean_text)]
FreeText = Annotated[str, AfterValidator(partial(clean_text, multiline=True))]
ClmCursor = Annotated[str, AfterValidator(partial(clean_identifier, pattern=_CURSOR, what="cursor", label="CLM"))]


class ClmModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)  # built on first use


class CounterpartyRef(ClmModel):
    id: ClmId
    name: Line


class Counterparty(ClmModel):
    id: ClmId
    name: Line
    country: Line | None = None
    contract_count: int | None = None
    contracts_by_status: dict[Line, int] = Field(default_factory=dict)
    score: float | None = Field(default=None, description="How well the name matches the query, 0-1 (1 = exact)")
    match: Line | None = Field(default=None, description="Why it matches: exact, normalised, suffix, ..., fuzzy")


class SectionRef(ClmModel):
    number: Line
    heading: Line = ""


class SearchMatch(ClmModel):
    """Where a text query hits a contract of a search result (the CLM's first hit)."""

    field: Line
    snippet: FreeText
    start: int | None = None
    end: int | None = None
    section: SectionRef | None = None


class Term(ClmModel):
    initial_term_months: int | None = None
    auto_renew: bool = False
    renewal_term_months: int | None = None
    renewal_notice_days: int | None = None
    current_term_end: date | None = None


class ContractSummary(ClmModel):
    id: ClmId
    number: Line
    title: Line
    type: Line
    status: Line
    counterparty: CounterpartyRef
    effective_date: date | None = None
    expiration_date: date | None = None
    auto_renew: bool = False
    renewal_notice_date: date | None = None
    total_value: float | None = None
    annual_value: float | None = None
    currency: Line | None = None
    parent_id: ClmId | None = None
    updated_at: datetime | None = None
    match: SearchMatch | None = None
    term: Term | None = None  # not every CLM lists it; the detail always has it
    # 'imported': the record was made from a file nobody reviewed, so its yes/no fields (auto_renew,
    # for_convenience) are defaults, not recorded facts (the CLM's dates and periods are null there instead).
    source: Line | None = None

    @property
    def entered(self) -> bool:
        """Whether a person entered the record's fields (not a record made by importing a file)."""
        return self.source != "imported"


class Termination(ClmModel):
    for_convenience: bool = False
    convenience_party: Line | None = None
    convenience_notice_days: int | None = None
    for_cause_cure_days: int | None = None


class LiabilityCap(ClmModel):
    amount: float | None = None
    currency: Line | None = None
    description: FreeText = ""


class RelatedContract(ClmModel):
    id: ClmId
    relation: Line
    number: Line
    title: Line
    type: Line
    status: Line


class Owner(ClmModel):
    name: Line
    email: Line


class DocumentInfo(ClmModel):
    total_chars: int
    sha256: Line
    has_text: bool = True
    mime_type: Line = "text/plain"


class ContractDetail(ContractSummary):
    our_entity: Line | None = None
    owner: Owner | None = None
    execution_date: date | None = None
    term: Term = Field(default_factory=Term)
    termination: Termination = Field(default_factory=Termination)
    payment_terms_days: int | None = None
    governing_law: Line | None = None
    liability_cap: LiabilityCap | None = None
    related: list[RelatedContract] = Field(default_factory=list)
    document: DocumentInfo | None = None
    tags: list[Line] = Field(default_factory=list)
    # Imported from a file: the fields the CLM read from its text, not entered by a person.
    derived_fields: list[Line] = Field(default_factory=list)


class Page(ClmModel, Generic[T]):
    data: list[T]
    next_cursor: ClmCursor | None = None
    total: int | None = None


class DocumentChunk(ClmModel):
    contract_id: ClmId
    offset: int
    text: FreeText
    next_offset: int | None
    total_chars: int
    sha256: Line
    # Set here from the text as received (never taken from the CLM's own fields): the raw text exists only
    # to verify the CLM's checksum, which covers the raw document; it is excluded from dumps and never shown.
    raw_text: str = Field(default="", repr=False, exclude=True)
    removed_invisible_chars: int = 0

    @model_validator(mode="before")
    @classmethod
    def _keep_raw_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            raw = data["text"]
            data = {**data, "raw_text": raw, "removed_invisible_chars": len(raw) - len(strip_invisible(raw))}
        return data

    @property
    def raw_chars(self) -> int:
        """The chunk's length in the CLM's own character offsets."""
        return len(self.raw_text)


class Obligation(ClmModel):
    id: ClmId
    contract_id: ClmId
    contract_number: Line
    contract_status: Line | None = None  # not every CLM says; the sandbox does
    counterparty: CounterpartyRef
    category: Line
    party: Line
    description: FreeText
    due_date: date
    recurrence: Line | None = None
    section: Line | None = None


class Section(ClmModel):
    number: Line
    heading: Line = ""
    start: int
    end: int


class SectionList(ClmModel):
    contract_id: ClmId
    sections: list[Section]


class AnnotationTarget(ClmModel):
    section: Line | None = None
    start: int | None = None
    end: int | None = None


class Annotation(ClmModel):
    id: ClmId
    contract_id: ClmId
    body: FreeText
    target: AnnotationTarget | None = None
    author: Line
    author_type: Line
    created_at: datetime
    duplicate: bool = False  # the CLM already had this note on this target and returned it instead


class Meta(ClmModel):
    api_version: Line | None = None
    region: Line | None = None
    as_of: date | None = None
    contracts: int | None = None


class ContractFilters(ClmModel):
    """Server-side filters; every value is sent as an encoded query parameter, never spliced."""

    q: str | None = None
    counterparty: str | None = None
    counterparty_id: str | None = None
    counterparty_ids: list[str] = Field(default_factory=list)  # any of these (with counterparty_id, if set)
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
    # Calendar windows on the renewal date (auto-renewing contracts only) and the signing date; currencies.
    renewal_after: date | None = None
    renewal_before: date | None = None
    signed_after: date | None = None
    signed_before: date | None = None
    currencies: list[str] = Field(default_factory=list)
    source: str | None = None  # 'imported': records made from a file (their dates and periods are not recorded)


class ObligationFilters(ClmModel):
    due_after: date | None = None
    due_before: date | None = None
    counterparty: str | None = None
    counterparty_id: str | None = None
    counterparty_ids: list[str] = Field(default_factory=list)
    contract_id: str | None = None
    contract_ids: list[str] = Field(default_factory=list, max_length=100)  # any of these
    categories: list[str] = Field(default_factory=list)
    statuses: list[str] = Field(default_factory=list)  # of the contract


class MoneySum(ClmModel):
    currency: Line
    amount: float
    contracts: int = Field(description="Contracts of the group with a value in this currency")


class AggregateGroup(ClmModel):
    key: Line | None = Field(description="Type, status, counterparty id, currency or 'YYYY-MM'; None: not recorded")
    label: Line | None = None
    count: int
    total_value: list[MoneySum] = Field(default_factory=list)
    annual_value: list[MoneySum] = Field(default_factory=list)


class Aggregate(ClmModel):
    """Contracts matching the filters, grouped. `complete` is False when the groups cover only `covered`
    of the `total` matching contracts (a CLM without an aggregation endpoint, paged up to a limit)."""

    group_by: Line
    date_field: Line | None = None
    total: int | None = Field(description="Contracts matching the filters; None when the CLM did not say")
    groups: list[AggregateGroup]
    covered: int = Field(default=-1, description="Contracts the groups count (-1: set from the groups)")
    complete: bool = True
    source: Line = Field(default="aggregate", description="'aggregate' (the CLM's endpoint) or 'pages' (walked)")

    @model_validator(mode="after")
    def _covered(self) -> Aggregate:
        if self.covered < 0:
            object.__setattr__(self, "covered", sum(g.count for g in self.groups))
        return self


def response_models() -> list[type[ClmModel]]:
    """Every model of this module, bases before the models that nest them (definition order)."""
    return [value for value in globals().values() if isinstance(value, type) and issubclass(value, ClmModel)]
