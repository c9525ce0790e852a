"""Bad input never gets a 500: generated query values, ids, headers and bodies over real HTTP."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sandbox.helpers import Api

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES_SANDBOX", "120"))  # long run: FUZZ_EXAMPLES_SANDBOX=5000
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "%", "_", "\\", "'", '"', "\x00", "../..", "?#", "%2F", "9" * 40, "-1", "1e309", "NaN",
                     "2024-02-30", "0000-00-00", "true", "null", "[]", "*", "NEAR(", "\u202e\u200b", "\U000e0041"]),
)  # fmt: skip
PARAMS = [
    "q", "counterparty", "counterparty_id", "type", "status", "effective_after", "effective_before", "expires_after",
    "expires_before", "renewal_notice_after", "renewal_notice_before", "auto_renew", "parent_id", "sort", "limit",
    "cursor", "offset", "max_chars", "due_after", "category", "contract_id", "unknown",
]  # fmt: skip
HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=300
)
ENDPOINTS = ["/v1/contracts", "/v1/counterparties", "/v1/obligations", "/v1/contracts/ctr_000001/document",
             "/v1/contracts/ctr_000001/annotations"]  # fmt: skip


def assert_clean(response: httpx2.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), response.text
        assert "Traceback" not in response.text


@FUZZ
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    params=st.lists(st.tuples(st.sampled_from(PARAMS), nasty_text), max_size=4),
)
def test_query_parameters(api: Api, endpoint: str, params: list[tuple[str, str]]) -> None:
    assert_clean(api.get(endpoint, params=params))  # type: ignore[arg-type]


@FUZZ
@given(contract_id=nasty_text)
def test_path_ids(api: Api, contract_id: str) -> None:
    encoded = quote(contract_id, safe="")  # every character reaches the server, %2F and %00 included
    for suffix in ("", "/document", "/annotations"):
        assert_clean(api.get(f"/v1/contracts/{encoded}{suffix}"))


@FUZZ
@given(
    body=st.one_of(
        st.dictionaries(
            st.sampled_from(["body", "target", "author_type", "x"]),
            st.one_of(
                nasty_text,
                st.integers(),
                st.none(),
                st.dictionaries(
                    st.sampled_from(["section", "start", "end"]),
                    st.one_of(nasty_text, st.integers(min_value=-(2**70), max_value=2**70)),
                    max_size=3,
                ),
            ),
            max_size=4,
        ),
        st.lists(st.integers(), max_size=3),
    ),
    key=HEADER_TEXT.filter(lambda s: bool(s.strip())),
    acting_user=HEADER_TEXT,
)
def test_annotation_posts(api: Api, body: Any, key: str, acting_user: str) -> None:
    # Header values are bytes on the wire: anything a client can legally send, UTF-8 or not.
    response = api.post_annotation(
        "ctr_000002", body, key.strip().encode("latin-1"), acting_user=acting_user.strip().encode("latin-1")
    )
    assert_clean(response)


@pytest.mark.parametrize(
    "raw",
    [
        b"/v1/contracts?limit=%ZZ",
        b"/v1/contracts?q=%00%ff%fe",
        b"/v1/contracts/%ff%fe",
        b"/v1/contracts?type=&type=",
        b"/v1/contracts?" + b"a=1&" * 2000,
    ],
)
def test_raw_malformed_requests(api: Api, raw: bytes) -> None:
    request = api.http.build_request("GET", api.base_url, headers={"Authorization": f"Bearer {api.token()}"})
    request.url = httpx2.URL(api.base_url).copy_with(raw_path=raw)
    assert_clean(api.http.send(request))
