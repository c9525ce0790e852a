"""Document chunks reassemble to exactly the generated text, huge and scanned documents included."""

from __future__ import annotations

import hashlib
from functools import cache

import pytest

from sandbox.corpus.generate import generate
from sandbox.corpus.models import Corpus, GeneratedContract
from sandbox.settings import DEMO_AS_OF
from tests.sandbox.helpers import CORPUS, SEED, Api, problem


@cache
def corpus_documents() -> dict[str, GeneratedContract]:
    items = generate(Corpus(contracts=CORPUS, seed=SEED, as_of=DEMO_AS_OF))
    return {item.record.id: item for item in items if isinstance(item, GeneratedContract)}


def flagged(flag: str) -> str:
    return next(cid for cid, doc in corpus_documents().items() if flag in doc.record.adversarial)


def read_all(api: Api, contract_id: str, max_chars: int) -> tuple[str, dict[str, object]]:
    parts: list[str] = []
    offset: int | None = 0
    first: dict[str, object] = {}
    while offset is not None:
        chunk = api.ok(f"/v1/contracts/{contract_id}/document", {"offset": offset, "max_chars": max_chars})
        first = first or chunk
        assert chunk["offset"] == offset and len(chunk["text"]) <= max_chars
        parts.append(chunk["text"])
        offset = chunk["next_offset"]
    return "".join(parts), first


@pytest.mark.parametrize("which", ["ctr_000001", "ctr_000060", "huge", "invisible_chars", "injection", "contradictory"])
def test_chunks_reassemble_to_the_generated_text(api: Api, which: str) -> None:
    contract_id = which if which.startswith("ctr_") else flagged(which)
    expected = corpus_documents()[contract_id].text
    text, first = read_all(api, contract_id, max_chars=100_000 if which == "huge" else 3_000)
    assert text == expected
    assert first["total_chars"] == len(expected)
    assert first["sha256"] == hashlib.sha256(expected.encode()).hexdigest()
    detail = api.ok(f"/v1/contracts/{contract_id}")["document"]
    assert detail == {
        "total_chars": len(expected),
        "sha256": first["sha256"],
        "has_text": True,
        "mime_type": "text/plain",
        "scanned": False,
        "source_mime_type": None,
    }


def test_huge_document_is_over_600k_characters(api: Api) -> None:
    detail = api.ok(f"/v1/contracts/{flagged('huge')}")
    assert detail["document"]["total_chars"] > 600_000


def test_scanned_document_has_no_text(api: Api) -> None:
    contract_id = flagged("scanned")
    assert api.ok(f"/v1/contracts/{contract_id}")["document"]["has_text"] is False
    chunk = api.ok(f"/v1/contracts/{contract_id}/document")
    assert (chunk["text"], chunk["total_chars"], chunk["next_offset"]) == ("", 0, None)
    problem(api.get(f"/v1/contracts/{contract_id}/document", {"offset": 1}), 400, "invalid_parameter")


def test_chunk_bounds(api: Api) -> None:
    total = api.ok("/v1/contracts/ctr_000001")["document"]["total_chars"]
    end = api.ok("/v1/contracts/ctr_000001/document", {"offset": total})
    assert end["text"] == "" and end["next_offset"] is None
    body = problem(api.get("/v1/contracts/ctr_000001/document", {"offset": total + 1}), 400, "invalid_parameter")
    assert body["errors"][0]["field"] == "offset"
    for bad in ({"max_chars": 0}, {"max_chars": 100_001}, {"offset": -1}, {"offset": "ten"}):
        problem(api.get("/v1/contracts/ctr_000001/document", bad), 400, "invalid_parameter")
