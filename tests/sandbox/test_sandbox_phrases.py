"""Quoted phrases match as phrases (precision and recall 1.0 against the corpus text); hits carry snippets."""

from __future__ import annotations

import re

import pytest

from tests.sandbox.helpers import Api
from tests.sandbox.test_sandbox_documents import corpus_documents
from tests.sandbox.test_sandbox_search import folded

PHRASES = [
    "limitation of liability",
    "gross negligence",
    "written notice",
    "governing law",
    "force majeure",
    "data protection",
    "within thirty",
    "statement of work",
    "confidential information",
]


def contains_phrase(text: str, phrase: str) -> bool:
    """The phrase in the text, case and accents aside, any whitespace or punctuation between its words."""
    words = phrase.split()
    pattern = r"(?<!\w)" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?!\w)"
    return re.search(pattern, folded(text)) is not None


def truly_containing(phrase: str) -> set[str]:
    return {
        cid
        for cid, doc in corpus_documents().items()
        if contains_phrase(doc.text, phrase) or contains_phrase(doc.record.title, phrase)
    }


@pytest.mark.parametrize("phrase", PHRASES)
def test_quoted_phrase_precision_and_recall_are_one(api: Api, phrase: str) -> None:
    rows = api.walk("/v1/contracts", {"q": f'"{phrase}"'}, limit=50)
    returned = {row["id"] for row in rows}
    expected = truly_containing(phrase)
    assert expected, f"the corpus holds {phrase!r}"
    documents = corpus_documents()
    wrong = {cid for cid in returned if cid not in expected}
    missed = expected - returned
    assert not wrong, f"precision < 1: {sorted(wrong)[:5]} do not contain {phrase!r}"
    assert not missed, f"recall < 1: {sorted(missed)[:5]} contain {phrase!r}"
    # And the literal phrase (case aside, whitespace collapsed) is in each returned document or title.
    for cid in returned:
        haystack = " ".join(f"{documents[cid].record.title} {documents[cid].text}".split()).casefold()
        assert re.search(r"[\W_]+".join(map(re.escape, phrase.split())), haystack), cid


def test_phrases_are_rarer_than_their_words(api: Api) -> None:
    words = api.ok("/v1/contracts", {"q": "written notice", "limit": 1})["total"]
    phrase = api.ok("/v1/contracts", {"q": '"written notice"', "limit": 1})["total"]
    reversed_phrase = api.ok("/v1/contracts", {"q": '"notice written"', "limit": 1})["total"]
    assert 0 < phrase <= words and reversed_phrase < phrase


def test_unquoted_words_keep_all_words_semantics(api: Api) -> None:
    rows = api.walk("/v1/contracts", {"q": "liability negligence"}, limit=100)
    documents = corpus_documents()
    expected = {
        cid
        for cid, doc in documents.items()
        if all(
            re.search(rf"(?<!\w){w}(?!\w)", folded(doc.text + " " + doc.record.title))
            for w in ("liability", "negligence")
        )
    }
    assert {row["id"] for row in rows} == expected


def test_each_hit_has_a_snippet_and_its_section(api: Api) -> None:
    documents = corpus_documents()
    rows = api.walk("/v1/contracts", {"q": '"limitation of liability"'}, limit=50)
    assert rows
    for row in rows:
        match = row["match"]
        assert match is not None and match["field"] == "body"
        text = documents[row["id"]].text
        start, end = match["start"], match["end"]
        assert text[start:end].casefold() == "limitation of liability"
        snippet = match["snippet"]
        assert len(snippet) <= 200 and "limitation of liability" in snippet.casefold()
        inner = snippet.strip("…")
        collapsed = " ".join(text.split())
        assert inner in collapsed, "the snippet is the text itself, whitespace collapsed"
        position = collapsed.find(inner)
        if snippet.startswith("…"):
            assert position > 0 and collapsed[position - 1] == " ", "never starts mid-word"
        if snippet.endswith("…"):
            after = position + len(inner)
            assert after < len(collapsed) and collapsed[after] == " ", "never ends mid-word"
        truth = [s for s in documents[row["id"]].truth.sections if s.start <= start < s.end]
        innermost = max(truth, key=lambda s: s.start) if truth else None
        expected = {"number": innermost.number, "heading": innermost.heading} if innermost else None
        assert match["section"] == expected


def test_unquoted_hits_point_at_a_word_of_the_query(api: Api) -> None:
    rows = api.ok("/v1/contracts", {"q": "indemnif*", "limit": 10})["data"]
    assert rows
    documents = corpus_documents()
    for row in rows:
        match = row["match"]
        hit = documents[row["id"]].text[match["start"] : match["end"]]
        assert hit.casefold().startswith("indemnif")


def test_no_match_object_without_q(api: Api) -> None:
    rows = api.ok("/v1/contracts", {"limit": 5})["data"]
    assert all(row["match"] is None for row in rows)


@pytest.mark.parametrize("q", ['"', '""', '"limitation of', 'liability"', '"a" "b"'])
def test_odd_quotes_are_just_text(api: Api, q: str) -> None:
    response = api.get("/v1/contracts", {"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["errors"][0]["field"] == "q"


def test_accents_aside_the_hit_points_at_the_text_as_written(api: Api) -> None:
    rows = api.walk("/v1/contracts", {"q": '"societe generale"'}, limit=50)
    assert rows and all(row["counterparty"]["name"].startswith("Société Générale") for row in rows)
    documents = corpus_documents()
    for row in rows:
        match = row["match"]
        if match["field"] == "body":
            assert documents[row["id"]].text[match["start"] : match["end"]] == "Société Générale"
        else:
            assert match["field"] == "counterparty" and match["snippet"] == row["counterparty"]["name"]
