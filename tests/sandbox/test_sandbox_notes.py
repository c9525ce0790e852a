"""Notes you can trust: no duplicate notes, targets that exist in the document, listing with paging."""

from __future__ import annotations

import uuid

import pytest

from tests.sandbox.helpers import Api, problem
from tests.sandbox.test_sandbox_documents import corpus_documents

CONTRACT = "ctr_000007"


def sections(api: Api, contract_id: str = CONTRACT) -> list[dict[str, object]]:
    listed: list[dict[str, object]] = api.ok(f"/v1/contracts/{contract_id}/document/sections")["sections"]
    return listed


def test_sections_are_the_documents_own(api: Api) -> None:
    listed = sections(api)
    assert listed, "a generated contract has numbered sections"
    truth = corpus_documents()[CONTRACT].truth.sections
    assert listed == [{"number": s.number, "heading": s.heading, "start": s.start, "end": s.end} for s in truth]


def test_same_note_by_the_same_author_is_not_written_twice(api: Api) -> None:
    section = str(sections(api)[1]["number"])
    note = {"body": f"Check the cap {uuid.uuid4().hex[:6]}", "target": {"section": section}}
    first = api.post_annotation(CONTRACT, note, f"k-{uuid.uuid4()}")
    assert first.status_code == 201 and first.json()["duplicate"] is False
    again = api.post_annotation(CONTRACT, {**note, "body": f"  {note['body']} "}, f"k-{uuid.uuid4()}")
    assert again.status_code == 200, "a new key, the same note: the existing one, not a second"
    assert again.headers["annotation-duplicate"] == "true" and "idempotent-replayed" not in again.headers
    assert again.json()["duplicate"] is True and again.json()["id"] == first.json()["id"]
    listed = api.walk(f"/v1/contracts/{CONTRACT}/annotations", limit=100)
    assert [a["id"] for a in listed].count(first.json()["id"]) == 1
    assert sum(1 for a in listed if a["body"] == note["body"]) == 1


def test_a_duplicate_key_retry_replays(api: Api) -> None:
    note = {"body": f"Renewal note {uuid.uuid4().hex[:6]}"}
    api.post_annotation(CONTRACT, note, f"k-{uuid.uuid4()}")
    key = f"k-{uuid.uuid4()}"
    duplicate = api.post_annotation(CONTRACT, note, key)
    replay = api.post_annotation(CONTRACT, note, key)
    assert duplicate.headers.get("annotation-duplicate") == "true"
    assert replay.status_code == 200 and replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == duplicate.json()["id"]


def test_same_body_elsewhere_or_by_another_author_is_a_new_note(api: Api) -> None:
    listed = sections(api)
    body = f"Same words {uuid.uuid4().hex[:6]}"
    a = api.post_annotation(CONTRACT, {"body": body, "target": {"section": listed[0]["number"]}}, f"k-{uuid.uuid4()}")
    b = api.post_annotation(CONTRACT, {"body": body, "target": {"section": listed[1]["number"]}}, f"k-{uuid.uuid4()}")
    c = api.post_annotation(
        CONTRACT, {"body": body, "target": {"section": listed[0]["number"]}}, f"k-{uuid.uuid4()}", acting_user="Ana"
    )
    d = api.post_annotation("ctr_000008", {"body": body}, f"k-{uuid.uuid4()}")
    assert [r.status_code for r in (a, b, c, d)] == [201, 201, 201, 201]
    assert len({r.json()["id"] for r in (a, b, c, d)}) == 4


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ({"section": "99.9"}, "target.section"),
        ({"start": 10}, "target.end"),
        ({"end": 10}, "target.start"),
        ({"start": 50, "end": 50}, "target.end"),
        ({"start": 0, "end": 10_000_000}, "target.end"),
    ],
)
def test_targets_outside_the_document_are_400_naming_the_field(api: Api, target: dict[str, object], field: str) -> None:
    response = api.post_annotation(CONTRACT, {"body": "x", "target": target}, f"k-{uuid.uuid4()}")
    body = problem(response, 400, "invalid_parameter")
    assert body["errors"][0]["field"] == field, body


def test_offsets_must_lie_inside_the_named_section(api: Api) -> None:
    section = sections(api)[1]
    start, end = int(str(section["start"])), int(str(section["end"]))
    inside = {"section": section["number"], "start": start, "end": min(end, start + 20)}
    ok = api.post_annotation(CONTRACT, {"body": f"in {uuid.uuid4().hex[:6]}", "target": inside}, f"k-{uuid.uuid4()}")
    assert ok.status_code == 201, ok.text
    outside = {"section": section["number"], "start": end + 1, "end": end + 5}
    response = api.post_annotation(CONTRACT, {"body": "out", "target": outside}, f"k-{uuid.uuid4()}")
    assert problem(response, 400, "invalid_parameter")["errors"][0]["field"] == "target.start"


def test_offsets_without_a_section_are_checked_against_the_text(api: Api) -> None:
    total = api.ok(f"/v1/contracts/{CONTRACT}")["document"]["total_chars"]
    ok = api.post_annotation(
        CONTRACT, {"body": f"end {uuid.uuid4().hex[:6]}", "target": {"start": total - 5, "end": total}}, "k-end"
    )
    assert ok.status_code == 201, ok.text


def test_listing_pages_with_a_total(api: Api) -> None:
    contract = "ctr_000011"
    before = api.ok(f"/v1/contracts/{contract}/annotations", {"limit": 1})["total"]
    for n in range(7):
        assert (
            api.post_annotation(contract, {"body": f"note {n} {uuid.uuid4().hex}"}, f"k-{uuid.uuid4()}").status_code
            == 201
        )
    pages: list[dict[str, object]] = []
    query: dict[str, object] = {"limit": 3}
    while True:
        page = api.ok(f"/v1/contracts/{contract}/annotations", query)
        assert page["total"] == before + 7
        pages.append(page)
        if page["next_cursor"] is None:
            break
        query["cursor"] = page["next_cursor"]
    rows = [row for page in pages for row in page["data"]]  # type: ignore[attr-defined]
    assert len(rows) == before + 7 == len({r["id"] for r in rows})
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows), "oldest first"
    problem(api.get("/v1/contracts/ctr_999999/annotations"), 404, "not_found")
