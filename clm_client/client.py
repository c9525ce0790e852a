"""The typed client for the CLM REST API: endpoints, parameters and pagination.

This is the module a fork rewrites to talk to Ironclad, DocuSign CLM, SpotDraft or an internal
API. It keeps the method signatures and returns the models in `clm_client.models`; everything
under it (tokens, retries, deadlines, error taxonomy, redaction) comes from `plugin.transport.http`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from clm_client.aggregation import aggregate_by_paging
from clm_client.counterparties import CANDIDATES, closest, no_match_message, pick
from clm_client.models import (
    Aggregate,
    Annotation,
    AnnotationTarget,
    ContractDetail,
    ContractFilters,
    ContractSummary,
    Counterparty,
    DocumentChunk,
    Meta,
    Obligation,
    ObligationFilters,
    Page,
    SectionList,
)
from plugin.observability.logging import get_logger
from plugin.toolkit.errors import BackendError, InvalidArgument, NotFound
from plugin.toolkit.inputs import ID_PATTERN
from plugin.transport.http import ApiSession, QueryParams

log = get_logger(__name__)
GroupBy = Literal["type", "status", "counterparty", "currency", "month"]
DateField = Literal["expiration_date", "renewal_notice_date", "renewal_date", "effective_date", "execution_date"]
M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", ContractFilters, ObligationFilters)
_ID = re.compile(ID_PATTERN)

# The OAuth scopes of this CLM, by what they allow. Tools declare one of these as their permission.
SCOPE_READ_CONTRACTS = "read:contracts"
SCOPE_READ_DOCUMENTS = "read:documents"
SCOPE_WRITE_ANNOTATIONS = "write:annotations"


def checked_id(value: str, what: str = "contract id") -> str:
    """Validate an identifier before it goes into a URL path (defence in depth: tools validate too)."""
    if not _ID.match(value):
        raise InvalidArgument(f"'{value[:80]}' is not a valid {what} (letters, digits, '-' and '_' only).")
    return quote(value, safe="")


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _ids(one: str | None, many: list[str]) -> list[str] | None:
    """A repeated `counterparty_id` parameter: the CLM returns contracts of any of them."""
    ids = list(dict.fromkeys([*([one] if one else []), *many]))
    return ids or None


def filter_params(filters: ContractFilters) -> QueryParams:
    """The search filters as query parameters (shared by GET /v1/contracts and /v1/contracts/aggregate)."""
    return {
        "q": filters.q,
        "counterparty": filters.counterparty,
        "counterparty_id": _ids(filters.counterparty_id, filters.counterparty_ids),
        "type": filters.types or None,
        "status": filters.statuses or None,
        "effective_after": _date(filters.effective_after),
        "effective_before": _date(filters.effective_before),
        "expires_after": _date(filters.expires_after),
        "expires_before": _date(filters.expires_before),
        "renewal_notice_after": _date(filters.renewal_notice_after),
        "renewal_notice_before": _date(filters.renewal_notice_before),
        "renewal_after": _date(filters.renewal_after),
        "renewal_before": _date(filters.renewal_before),
        "signed_after": _date(filters.signed_after),
        "signed_before": _date(filters.signed_before),
        "currency": filters.currencies or None,
        "auto_renew": None if filters.auto_renew is None else str(filters.auto_renew).lower(),
        "parent_id": filters.parent_id,
        "source": filters.source,
    }


class ClmClient:
    def __init__(self, session: ApiSession) -> None:
        self._session = session
        self._aggregate_endpoint: bool | None = None  # unknown until the first aggregate call

    @property
    def session(self) -> ApiSession:
        return self._session

    async def _get(self, path: str, model: type[M], params: QueryParams | None = None) -> M:
        response = await self._session.request("GET", path, params=params)
        return self._parse_bytes(response.content, model, response.headers.get("x-request-id"))

    @staticmethod
    def _parse_bytes(content: bytes, model: type[M], request_id: str | None) -> M:
        """Bytes straight into the model (one pass in pydantic-core, no intermediate Python objects)."""
        try:
            return model.model_validate_json(content)
        except ValidationError as exc:
            if any(error["type"] == "json_invalid" for error in exc.errors(include_url=False)):
                log.warning("backend_malformed_json", model=model.__name__, size=len(content))
                raise BackendError(
                    "The backend returned a malformed response; try again, and report it if it persists.",
                    request_id=request_id,
                ) from None
            log.warning("clm_unexpected_shape", model=model.__name__, errors=exc.error_count())
            raise BackendError(
                "The CLM returned data in an unexpected shape; report this to the plugin's maintainers.",
                request_id=request_id,
            ) from None

    @staticmethod
    def _parse(payload: object, model: type[M], request_id: str | None) -> M:
        try:
            return model.model_validate(payload)
        except BackendError as exc:  # a field the boundary refused (e.g. a malformed id): keep the request id
            log.warning("clm_refused_field", model=model.__name__)
            raise BackendError(exc.message, request_id=request_id) from None
        except ValidationError as exc:
            log.warning("clm_unexpected_shape", model=model.__name__, errors=exc.error_count())
            raise BackendError(
                "The CLM returned data in an unexpected shape; report this to the plugin's maintainers.",
                request_id=request_id,
            ) from None

    async def meta(self) -> Meta:
        return await self._get("/v1/meta", Meta)

    async def resolve_counterparty_name(self, filters: F) -> F:
        """`filters` with a `counterparty` name replaced by the ids the CLM's counterparty search resolves it to.

        A name that matches no counterparty raises `[not_found]` naming the closest ones, so a caller passing
        a name never reads an empty page as "nothing with that counterparty". Left as it is when ids are
        given too (they narrow it) or the CLM has no counterparty search (its "name contains" filter then).
        """
        name = filters.counterparty
        if name is None or filters.counterparty_id is not None or filters.counterparty_ids:
            return filters
        try:
            page = await self.search_counterparties(name, limit=CANDIDATES)
        except NotFound:
            return filters
        if not page.data:
            raise NotFound(no_match_message(name, [(c.name, c.id) for c in await closest(self, name)]))
        chosen, _ = pick(page.data)
        return filters.model_copy(update={"counterparty": None, "counterparty_ids": [c.id for c in chosen]})

    async def search_contracts(
        self, filters: ContractFilters, *, limit: int, cursor: str | None = None
    ) -> Page[ContractSummary]:
        filters = await self.resolve_counterparty_name(filters)
        params: QueryParams = {**filter_params(filters), "sort": filters.sort, "limit": limit, "cursor": cursor}
        return await self._get("/v1/contracts", Page[ContractSummary], params)

    async def aggregate_contracts(
        self, filters: ContractFilters, *, group_by: GroupBy, date_field: DateField | None = None
    ) -> Aggregate:
        """Every contract matching `filters`, counted and summed per currency by `group_by`.

        Uses the CLM's aggregation endpoint when it has one; otherwise walks the search pages
        concurrently up to a limit and says how many contracts the groups cover (`complete`).
        """
        filters = await self.resolve_counterparty_name(filters)
        if self._aggregate_endpoint is not False:
            params: QueryParams = {**filter_params(filters), "group_by": group_by, "date_field": date_field}
            try:
                result = await self._get("/v1/contracts/aggregate", Aggregate, params)
            except NotFound:
                self._aggregate_endpoint = False  # a CLM without the endpoint: page from now on
            else:
                self._aggregate_endpoint = True
                return result
        return await aggregate_by_paging(self, filters, group_by=group_by, date_field=date_field)

    async def get_contract(self, contract_id: str) -> ContractDetail:
        try:
            return await self._get(f"/v1/contracts/{checked_id(contract_id)}", ContractDetail)
        except NotFound as exc:
            raise NotFound(
                f"No contract with id '{contract_id}'. Use {{tool:search_contracts}} to find its id.",
                request_id=exc.request_id,
            ) from None

    async def read_document(self, contract_id: str, *, offset: int, max_chars: int) -> DocumentChunk:
        path = f"/v1/contracts/{checked_id(contract_id)}/document"
        try:
            return await self._get(path, DocumentChunk, {"offset": offset, "max_chars": max_chars})
        except NotFound as exc:
            raise NotFound(f"No contract with id '{contract_id}'.", request_id=exc.request_id) from None

    async def list_sections(self, contract_id: str) -> SectionList:
        """The document's numbered sections (number, heading, character span), in document order."""
        path = f"/v1/contracts/{checked_id(contract_id)}/document/sections"
        try:
            return await self._get(path, SectionList)
        except NotFound as exc:
            raise NotFound(f"No contract with id '{contract_id}'.", request_id=exc.request_id) from None

    async def search_counterparties(self, q: str, *, limit: int = 20, cursor: str | None = None) -> Page[Counterparty]:
        params: QueryParams = {"q": q, "limit": limit, "cursor": cursor}
        return await self._get("/v1/counterparties", Page[Counterparty], params)

    async def list_obligations(
        self, filters: ObligationFilters, *, limit: int, cursor: str | None = None
    ) -> Page[Obligation]:
        filters = await self.resolve_counterparty_name(filters)
        params: QueryParams = {
            "due_after": _date(filters.due_after),
            "due_before": _date(filters.due_before),
            "counterparty": filters.counterparty,
            "counterparty_id": _ids(filters.counterparty_id, filters.counterparty_ids),
            "contract_id": filters.contract_ids or filters.contract_id,
            "category": filters.categories or None,
            "status": filters.statuses or None,
            "limit": limit,
            "cursor": cursor,
        }
        return await self._get("/v1/obligations", Page[Obligation], params)

    async def list_annotations(
        self, contract_id: str, *, limit: int = 20, cursor: str | None = None
    ) -> Page[Annotation]:
        path = f"/v1/contracts/{checked_id(contract_id)}/annotations"
        return await self._get(path, Page[Annotation], {"limit": limit, "cursor": cursor})

    async def create_annotation(
        self,
        contract_id: str,
        *,
        body: str,
        target: AnnotationTarget | None,
        author_type: str,
        idempotency_key: str,
    ) -> Annotation:
        path = f"/v1/contracts/{checked_id(contract_id)}/annotations"
        payload = {
            "body": body,
            "target": None if target is None else target.model_dump(exclude_none=True),
            "author_type": author_type,
        }
        try:
            response = await self._session.request("POST", path, json=payload, idempotency_key=idempotency_key)
        except NotFound as exc:
            raise NotFound(f"No contract with id '{contract_id}'.", request_id=exc.request_id) from None
        return self._parse_bytes(response.content, Annotation, response.headers.get("x-request-id"))
