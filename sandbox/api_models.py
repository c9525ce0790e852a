"""Wire models of the sandbox CLM REST API.

These pydantic models are the single source of the OpenAPI document served at
`/openapi.json`: a team forking the plugin maps its own CLM onto them. The plugin
itself never imports this module (its backend adapter has its own client-side models).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"

T = TypeVar("T")


class Scope(StrEnum):
    READ_CONTRACTS = "read:contracts"
    READ_DOCUMENTS = "read:documents"
    WRITE_ANNOTATIONS = "write:annotations"


class ContractType(StrEnum):
    NDA = "NDA"
    MSA = "MSA"
    SOW = "SOW"
    ORDER_FORM = "Order Form"
    DPA = "DPA"
    AMENDMENT = "Amendment"
    LICENSE = "License"
    SUPPLY = "Supply Agreement"


# The generated corpus uses every ContractType; an imported document whose type cannot be told
# from its text is "Other" (kept out of ContractType, which is the generator's vocabulary).
OTHER_TYPE: Literal["Other"] = "Other"
AnyContractType = ContractType | Literal["Other"]


class ContractStatus(StrEnum):
    DRAFT = "draft"
    IN_NEGOTIATION = "in_negotiation"
    PENDING_SIGNATURE = "pending_signature"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class SortKey(StrEnum):
    NUMBER = "number"
    NUMBER_DESC = "-number"
    EFFECTIVE = "effective_date"
    EFFECTIVE_DESC = "-effective_date"
    EXPIRATION = "expiration_date"
    EXPIRATION_DESC = "-expiration_date"
    RENEWAL_NOTICE = "renewal_notice_date"
    VALUE_DESC = "-total_value"
    UPDATED_DESC = "-updated_at"


class Relation(StrEnum):
    PARENT = "parent"  # the related contract is this one's parent (e.g. the MSA of a SOW)
    CHILD = "child"  # the related contract sits under this one (e.g. a SOW of this MSA)
    AMENDS = "amends"  # this contract amends the related one
    AMENDED_BY = "amended_by"  # the related contract amends this one


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CounterpartyRef(Wire):
    id: str
    name: str


class NameMatchKind(StrEnum):
    """Why a counterparty is a candidate for `q`, strictest first."""

    EXACT = "exact"  # the same string, case aside
    NORMALISED = "normalised"  # the same once case, accents, punctuation and spacing are ignored
    SUFFIX = "suffix"  # the same once legal forms (Inc., GmbH, S.A....) and a leading "The" are dropped
    TRANSLITERATION = "transliteration"  # ... and umlauts spelt out (ü = ue), British spellings folded
    CONTAINS = "contains"  # the query's words are (starts of) words of the name, or a fragment of it
    FUZZY = "fuzzy"  # close by edit distance (typos)


class Counterparty(Wire):
    id: str
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    contract_count: int = Field(description="All contracts with this counterparty")
    contracts_by_status: dict[str, int] = Field(
        default_factory=dict, description="contract_count split by status (statuses with none are left out)"
    )
    score: float | None = Field(
        default=None, ge=0, le=1, description="How well the name matches `q` (1 = exact); null without `q`"
    )
    match: NameMatchKind | None = Field(default=None, description="Why it matches `q`; null without `q`")


class SectionRef(Wire):
    number: str = Field(description="e.g. '12.2'")
    heading: str = Field(description="e.g. 'Limitation of Liability'")


class Section(Wire):
    number: str = Field(description="e.g. '12.2' or an article number 'IV'")
    heading: str
    start: int = Field(description="Offset of the section's first character in the document text")
    end: int = Field(description="Offset just past its last character; sections nest (12 holds 12.2)")


class SectionList(Wire):
    contract_id: str
    sections: list[Section] = Field(description="In document order; empty when the document has no numbered sections")


class SearchMatch(Wire):
    """Where `q` hits a contract of a search result (its first hit)."""

    field: str = Field(description="'body' (the document text), 'title' or 'counterparty'")
    snippet: str = Field(
        description="Plain text around the first hit (at most ~200 characters), whitespace collapsed, "
        "never cut mid-word; '…' marks where the document goes on"
    )
    start: int | None = Field(description="Offset of the hit in the document text (body hits), else null")
    end: int | None = Field(description="End offset (exclusive) of the hit in the document text, else null")
    section: SectionRef | None = Field(description="The innermost section holding the hit, when known")


class Term(Wire):
    initial_term_months: int | None
    auto_renew: bool
    renewal_term_months: int | None
    renewal_notice_days: int | None
    current_term_end: date | None = Field(description="Expiry rolled forward through renewals to the as-of date")


class ContractSummary(Wire):
    """One row of a contract list."""

    id: str
    number: str = Field(description="Human contract number, e.g. CTR-2024-0042")
    title: str
    type: AnyContractType
    status: ContractStatus
    counterparty: CounterpartyRef
    effective_date: date | None
    expiration_date: date | None = Field(description="End of the current term; null when evergreen")
    auto_renew: bool
    renewal_notice_date: date | None = Field(
        description="Last day to give notice of non-renewal for the current term (auto-renewing only)"
    )
    total_value: float | None
    annual_value: float | None = Field(description="Value per contract year, when it has one")
    currency: str | None = Field(description="ISO 4217")
    parent_id: str | None
    updated_at: datetime
    source: str = Field(default="generated", description="'generated' (demo corpus) or 'imported' (your file)")
    term: Term | None = Field(default=None, description="The term fields (so a renewal list needs no detail call)")
    match: SearchMatch | None = Field(
        default=None, description="Only in search results with `q`: where the query hits this contract"
    )


class Termination(Wire):
    for_convenience: bool
    convenience_party: str | None = Field(description="'either', 'us' or 'counterparty'")
    convenience_notice_days: int | None
    for_cause_cure_days: int | None


class LiabilityCap(Wire):
    amount: float | None
    currency: str | None
    description: str = Field(description="e.g. 'fees paid in the 12 months preceding the claim'")


class RelatedContract(Wire):
    id: str
    relation: Relation
    number: str
    title: str
    type: AnyContractType
    status: ContractStatus


class Owner(Wire):
    name: str
    email: str


class DocumentInfo(Wire):
    total_chars: int
    sha256: str
    has_text: bool = Field(description="False for a scanned document with no text layer")
    mime_type: str = "text/plain"
    scanned: bool = Field(default=False, description="An imported PDF without a text layer (no text to read)")
    source_mime_type: str | None = Field(
        default=None, description="Imported: the original file's type (the text served is extracted from it)"
    )


class ContractDetail(ContractSummary):
    """The full record of one contract."""

    our_entity: str
    owner: Owner
    execution_date: date | None
    term: Term  # always present on the detail
    termination: Termination
    payment_terms_days: int | None
    governing_law: str | None
    liability_cap: LiabilityCap | None
    related: list[RelatedContract]
    document: DocumentInfo
    tags: list[str]
    source_file: str | None = Field(default=None, description="Imported: the name of the file it came from")
    derived_fields: list[str] = Field(
        default_factory=list,
        description="Imported: fields guessed from the document text (e.g. title, type), not entered by a person",
    )


class Page(Wire, Generic[T]):
    data: list[T]
    next_cursor: str | None = Field(description="Opaque; pass as `cursor` for the next page, null at the end")
    total: int = Field(description="Rows matching the filters (all pages)")


class DocumentChunk(Wire):
    contract_id: str
    offset: int
    text: str
    next_offset: int | None = Field(description="Offset of the next chunk, null at the end")
    total_chars: int
    sha256: str


class AnnotationTarget(Wire):
    section: str | None = Field(default=None, max_length=40, description="e.g. '12.2'")
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)


class AnnotationCreate(Wire):
    body: str = Field(min_length=1, max_length=4000)
    target: AnnotationTarget | None = None
    author_type: str = Field(default="user", pattern="^(user|assistant)$")


class Annotation(Wire):
    id: str
    contract_id: str
    body: str
    target: AnnotationTarget | None
    author: str = Field(description="Acting user from X-Acting-User, else the OAuth client id")
    author_type: str
    created_at: datetime
    duplicate: bool = Field(
        default=False,
        description="POST responses only: true when this author had already written this body on this target "
        "of the contract; that earlier note is returned (HTTP 200, header Annotation-Duplicate) and nothing is written",
    )


class Meta(Wire):
    """GET /v1/meta: what the CLM says about itself (no scope required beyond a valid token)."""

    api_version: str
    region: str = Field(description="Data residency region of this tenant, e.g. 'eu-west-1'")
    as_of: date = Field(description="The CLM's business date (the sandbox's demo 'today': the real date unless set)")
    contracts: int


class GroupBy(StrEnum):
    TYPE = "type"
    STATUS = "status"
    COUNTERPARTY = "counterparty"
    CURRENCY = "currency"
    MONTH = "month"


class DateField(StrEnum):
    EXPIRATION = "expiration_date"
    RENEWAL_NOTICE = "renewal_notice_date"
    RENEWAL = "renewal_date"  # when an auto-renewing contract renews (end of its current term)
    EFFECTIVE = "effective_date"
    EXECUTION = "execution_date"


class Money(Wire):
    currency: str = Field(description="ISO 4217")
    amount: float = Field(description="Sum over the group's contracts in this currency (nulls count as 0)")
    contracts: int = Field(description="Contracts of the group in this currency with a value")


class AggregateGroup(Wire):
    key: str | None = Field(
        description="The group: a type, a status, a counterparty id, a currency, or a month 'YYYY-MM' of "
        "`date_field`; null for contracts without one (no currency, no date)"
    )
    label: str | None = Field(description="Counterparty name for group_by=counterparty; else the key")
    count: int = Field(description="Contracts in the group")
    total_value: list[Money] = Field(description="Sum of total_value per currency (never summed across currencies)")
    annual_value: list[Money] = Field(description="Sum of annual_value per currency")


class Aggregate(Wire):
    """GET /v1/contracts/aggregate: every contract matching the filters, grouped (complete, not a page)."""

    group_by: GroupBy
    date_field: DateField | None = Field(description="The date whose month groups (group_by=month)")
    total: int = Field(description="Contracts matching the filters (the sum of the groups' counts)")
    groups: list[AggregateGroup] = Field(description="By count, largest first (month: in calendar order, no-date last)")


class Obligation(Wire):
    """An obligation the CLM tracks for a contract (GET /v1/obligations)."""

    id: str
    contract_id: str
    contract_number: str
    contract_status: ContractStatus = Field(description="Status of the contract the obligation belongs to")
    counterparty: CounterpartyRef
    category: str = Field(description="payment, reporting, notice, delivery, confidentiality, ...")
    party: str = Field(description="Who must act")
    description: str
    due_date: date = Field(description="Next due date on or after the as-of date")
    recurrence: str | None = Field(description="ISO 8601 duration, e.g. P3M; null if one-off")
    section: str | None


class TokenResponse(Wire):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the RFC 6750 token type, not a secret
    expires_in: int
    scope: str
    issued_token_type: str | None = Field(
        default=None, description="Token exchange only (RFC 8693): urn:ietf:params:oauth:token-type:access_token"
    )


class AuthorizationServerMetadata(Wire):
    """RFC 8414 metadata of the sandbox's test authorization server."""

    issuer: str
    token_endpoint: str
    jwks_uri: str
    revocation_endpoint: str
    grant_types_supported: list[str]
    scopes_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    response_types_supported: list[str] = Field(description="Empty: no authorization endpoint (no browser flow)")
    token_endpoint_auth_signing_alg_values_supported: list[str] | None = None
    service_documentation: str | None = None


class JsonWebKeySet(BaseModel):
    """RFC 7517 JWK set: the public keys that sign user tokens (old keys stay after a rotation)."""

    model_config = ConfigDict(extra="allow")

    keys: list[dict[str, str]]


class OAuthError(Wire):
    error: str
    error_description: str | None = None


class FieldError(Wire):
    field: str
    message: str


class Problem(Wire):
    """RFC 9457 problem details (`application/problem+json`)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    code: str = Field(description="Stable machine code, see ErrorCode")
    request_id: str
    errors: list[FieldError] | None = None
    required_scope: str | None = None
    retry_after: int | None = None


class ErrorCode(StrEnum):
    INVALID_PARAMETER = "invalid_parameter"  # 400, `errors` names the fields
    INVALID_CURSOR = "invalid_cursor"  # 400
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - an error code; 401
    INSUFFICIENT_SCOPE = "insufficient_scope"  # 403, `required_scope`
    FORBIDDEN = "forbidden"  # 403: the user the token speaks for may not do this (e.g. a read-only user's write)
    NOT_FOUND = "not_found"  # 404
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    CONFLICT = "idempotency_conflict"  # 409
    PRECONDITION_FAILED = "precondition_failed"  # 412
    PAYLOAD_TOO_LARGE = "payload_too_large"  # 413
    IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"  # 428
    RATE_LIMITED = "rate_limited"  # 429, `retry_after`
    INTERNAL = "internal_error"  # 500
    UNAVAILABLE = "service_unavailable"  # 503
