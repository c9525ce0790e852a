"""Full-text search, name matching (case, accents, quotes, right-to-left), counterparties, obligations, relations."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import pytest

from sandbox.settings import DEMO_AS_OF
from sandbox.store import contracts as contracts_store
from tests.sandbox.helpers import CORPUS, Api, problem
from tests.sandbox.test_sandbox_documents import corpus_documents


def folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def ids(rows: list[dict[str, object]]) -> set[str]:
    return {str(row["id"]) for row in rows}


def test_q_finds_words_of_the_document_text(api: Api) -> None:
    documents = corpus_documents()
    tokens = {cid: {t.casefold() for t in re.findall(r"[A-Za-z]{7,}", doc.text)} for cid, doc in documents.items()}
    # Words found in some documents but not all: a search for one must return exactly those.
    counts: dict[str, int] = {}
    for words in tokens.values():
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    rare = sorted(w for w, n in counts.items() if 2 <= n <= 20)[:5]
    assert rare
    for word in rare:
        found = ids(api.walk("/v1/contracts", {"q": word.upper()}, limit=50))
        assert {cid for cid, words in tokens.items() if word in words} <= found
        assert all(word in folded(documents[cid].text) or word in folded(documents[cid].record.title) for cid in found)


def test_q_needs_every_word_and_supports_prefixes(api: Api) -> None:
    both = ids(api.walk("/v1/contracts", {"q": "statement work"}, limit=100))
    assert both and both <= ids(api.walk("/v1/contracts", {"q": "statement"}, limit=100))
    prefix = ids(api.walk("/v1/contracts", {"q": "statem*"}, limit=100))
    assert both <= prefix


@pytest.mark.parametrize(
    "q", ["NEAR(a b)", '"unbalanced', "title:foo", "a AND OR NOT b", "*", "x'); DROP TABLE contracts;--", "\u0000"]
)
def test_fts_syntax_in_q_is_just_text(api: Api, q: str) -> None:
    response = api.get("/v1/contracts", {"q": q})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert problem(response, 400, "invalid_parameter")["errors"][0]["field"] == "q"
    assert api.ok("/v1/meta")["contracts"] == CORPUS


@pytest.mark.parametrize(
    "fragment", ["müller", "MULLER", "o'brien", '"Blue Harbour"', "אורן", "النخيل", "SOCIETE", "& Söhne", "inc."]
)
def test_counterparty_names_match_case_and_accent_insensitively(api: Api, fragment: str) -> None:
    everyone = api.walk("/v1/counterparties", limit=100)
    expected = [c for c in everyone if folded(fragment) in folded(c["name"])]
    assert expected, f"the demo counterparties include {fragment!r}"
    assert ids(api.walk("/v1/counterparties", {"q": fragment})) == ids(expected)
    contracts = api.walk("/v1/contracts", {"counterparty": fragment}, limit=100)
    assert len(contracts) == sum(c["contract_count"] for c in expected)
    assert {row["counterparty"]["id"] for row in contracts} <= ids(expected)


def test_counterparties_cover_the_corpus(api: Api) -> None:
    everyone = api.walk("/v1/counterparties", limit=7)
    assert len(everyone) == 60
    assert sum(c["contract_count"] for c in everyone) == CORPUS
    names = [folded(c["name"]) for c in everyone]
    assert names == sorted(names)
    by_id = api.walk("/v1/contracts", {"counterparty_id": everyone[0]["id"]}, limit=100)
    assert len(by_id) == everyone[0]["contract_count"]


def test_renewal_deadlines_are_planted_30_60_90_days_out(api: Api) -> None:
    for days in (30, 60, 90):
        day = (DEMO_AS_OF + timedelta(days=days)).isoformat()
        rows = api.walk(
            "/v1/contracts", {"renewal_notice_after": day, "renewal_notice_before": day, "auto_renew": "true"}
        )
        assert len(rows) >= 2, f"several notice deadlines on {day}"
        assert all(row["status"] == "active" for row in rows)


def test_obligations_are_the_truth_obligations_with_a_next_due_date(api: Api) -> None:
    expected = {
        (cid, o.next_due.isoformat())
        for cid, doc in corpus_documents().items()
        for o in doc.truth.obligations
        if o.next_due is not None
    }
    rows = api.walk("/v1/obligations", limit=23)
    assert {(row["contract_id"], row["due_date"]) for row in rows} == expected
    keys = [(row["due_date"], row["id"]) for row in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(date.fromisoformat(row["due_date"]) >= DEMO_AS_OF for row in rows)
    window = api.walk("/v1/obligations", {"due_after": "2026-12-01", "due_before": "2027-02-28"})
    assert window == [row for row in rows if "2026-12-01" <= row["due_date"] <= "2027-02-28"]
    one = rows[0]
    by_contract = api.walk("/v1/obligations", {"contract_id": one["contract_id"]})
    assert by_contract == [row for row in rows if row["contract_id"] == one["contract_id"]]
    by_counterparty = api.walk("/v1/obligations", {"counterparty_id": one["counterparty"]["id"]})
    assert by_counterparty == [row for row in rows if row["counterparty"]["id"] == one["counterparty"]["id"]]
    by_category = api.walk("/v1/obligations", {"category": one["category"]})
    assert by_category == [row for row in rows if row["category"] == one["category"]]


def test_related_contracts_are_symmetric(api: Api) -> None:
    details = {row["id"]: api.ok(f"/v1/contracts/{row['id']}") for row in api.walk("/v1/contracts", limit=100)}
    inverse = {"parent": "child", "child": "parent", "amends": "amended_by", "amended_by": "amends"}
    pairs = 0
    for cid, detail in details.items():
        for rel in detail["related"]:
            back = [r for r in details[rel["id"]]["related"] if r["id"] == cid]
            assert [r["relation"] for r in back] == [inverse[rel["relation"]]], (cid, rel)
            pairs += 1
        if detail["parent_id"] is not None:
            assert any(r["id"] == detail["parent_id"] for r in detail["related"])
    assert pairs > 0
    kinds = {rel["relation"] for d in details.values() for rel in d["related"]}
    assert kinds == {"parent", "child", "amends", "amended_by"}


@pytest.mark.parametrize(
    "params", [{"q": "agreement"}, {"q": "agreement", "status": "active", "sort": "-expiration_date"}]
)
def test_both_text_search_plans_return_the_same_pages(
    api: Api, monkeypatch: pytest.MonkeyPatch, params: dict[str, str]
) -> None:
    # The server (in this process) picks a plan by match count; force each in turn.
    monkeypatch.setattr(contracts_store, "PROBE_TEXT_ABOVE", 10**9)
    from_matches = api.walk("/v1/contracts", params, limit=9)
    monkeypatch.setattr(contracts_store, "PROBE_TEXT_ABOVE", 0)
    from_sort_index = api.walk("/v1/contracts", params, limit=9)
    assert len(from_matches) > 50
    assert from_sort_index == from_matches
