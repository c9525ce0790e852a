"""The OpenAPI document is served, generated from the wire models, and complete enough to fork from."""

from __future__ import annotations

from typing import Any

from tests.sandbox.helpers import Api

PATHS = {
    "/oauth/token": {"post"},
    "/oauth/revoke": {"post"},
    "/oauth/jwks": {"get"},
    "/.well-known/oauth-authorization-server": {"get"},
    "/v1/meta": {"get"},
    "/v1/healthz": {"get"},
    "/v1/contracts": {"get"},
    "/v1/contracts/aggregate": {"get"},
    "/v1/contracts/{contract_id}": {"get"},
    "/v1/contracts/{contract_id}/document/sections": {"get"},
    "/v1/contracts/{contract_id}/document": {"get"},
    "/v1/contracts/{contract_id}/annotations": {"get", "post"},
    "/v1/contracts/{contract_id}/annotations/{annotation_id}": {"get"},
    "/v1/counterparties": {"get"},
    "/v1/obligations": {"get"},
}


def test_openapi_document(api: Api) -> None:
    response = api.http.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    assert spec["openapi"].startswith("3.")
    assert {path: set(ops) for path, ops in spec["paths"].items()} == PATHS, "no test-only paths either"
    schemas = spec["components"]["schemas"]
    for name in (
        "Problem",
        "ContractDetail",
        "ContractSummary",
        "DocumentChunk",
        "Annotation",
        "TokenResponse",
        "Obligation",
        "Aggregate",
        "AggregateGroup",
        "SearchMatch",
        "SectionList",
    ):
        assert name in schemas
    assert set(schemas["ContractDetail"]["required"]) >= {"id", "term", "termination", "related", "document", "owner"}
    flow = spec["components"]["securitySchemes"]["clientCredentials"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth/token"
    assert set(flow["scopes"]) == {"read:contracts", "read:documents", "write:annotations"}


def test_operations_document_parameters_scopes_and_problems(api: Api) -> None:
    spec = api.http.get("/openapi.json").json()
    search = spec["paths"]["/v1/contracts"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert names >= {
        "q",
        "counterparty",
        "type",
        "status",
        "effective_after",
        "renewal_notice_before",
        "sort",
        "limit",
        "cursor",
    }
    assert search["security"] == [{"clientCredentials": ["read:contracts"]}]
    aggregate = spec["paths"]["/v1/contracts/aggregate"]["get"]
    assert {p["name"] for p in aggregate["parameters"]} >= names - {"sort", "limit", "cursor"} | {
        "group_by",
        "date_field",
        "renewal_after",
        "signed_before",
        "currency",
    }
    assert aggregate["description"] and aggregate["security"] == [{"clientCredentials": ["read:contracts"]}]
    problem_schema = search["responses"]["400"]["content"]["application/problem+json"]["schema"]
    assert problem_schema == {"$ref": "#/components/schemas/Problem"}
    document = spec["paths"]["/v1/contracts/{contract_id}/document"]["get"]
    assert document["security"] == [{"clientCredentials": ["read:documents"]}]
    post = spec["paths"]["/v1/contracts/{contract_id}/annotations"]["post"]
    assert {p["name"] for p in post["parameters"]} >= {"idempotency-key", "x-acting-user"}
    assert {"201", "200", "409", "428"} <= set(post["responses"])


def test_interactive_docs_are_served(api: Api) -> None:
    docs = api.http.get("/docs")
    assert docs.status_code == 200 and "openapi.json" in docs.text
