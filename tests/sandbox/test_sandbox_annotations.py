"""Acceptance 3: annotation POSTs are idempotent by key - concurrently too - and record the acting user."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx2

from tests.sandbox.helpers import Api, problem

CONTRACT = "ctr_000003"
SECTION = "2.1"  # a section of CONTRACT's document (checked in test_the_note_section_exists)
NOTE = {
    "body": f"Notice of non-renewal due 2027-01-23 - see {SECTION}",
    "target": {"section": SECTION},
    "author_type": "assistant",
}


def fresh_note() -> dict[str, object]:
    """NOTE with a body of its own: the same body twice by one author is a duplicate, not a new note."""
    return {**NOTE, "body": f"{NOTE['body']} ({uuid.uuid4().hex[:8]})"}


def test_the_note_section_exists(api: Api) -> None:
    sections = api.ok(f"/v1/contracts/{CONTRACT}/document/sections")["sections"]
    assert SECTION in [s["number"] for s in sections]


def _annotations(api: Api, contract_id: str) -> list[dict[str, object]]:
    return api.walk(f"/v1/contracts/{contract_id}/annotations", limit=100)


def test_twenty_concurrent_identical_posts_create_exactly_one(api: Api) -> None:
    note = fresh_note()
    key = f"k-{uuid.uuid4()}"
    token = api.token()
    before = len(_annotations(api, CONTRACT))

    def post(_: int) -> httpx2.Response:
        # A client per thread: twenty truly concurrent connections, not one queue.
        with httpx2.Client(base_url=api.base_url, timeout=30) as http:
            return http.post(
                f"/v1/contracts/{CONTRACT}/annotations",
                json=note,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
            )

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(post, range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    replays = [r for r in responses if r.status_code == 200]
    assert all(r.headers["idempotent-replayed"] == "true" for r in replays)
    assert len(_annotations(api, CONTRACT)) == before + 1
    assert api.admin("GET", "/counters")["annotations"] == 1


def test_same_key_with_another_body_is_409(api: Api) -> None:
    note = fresh_note()
    key = f"k-{uuid.uuid4()}"
    created = api.post_annotation(CONTRACT, note, key)
    assert created.status_code == 201
    problem(api.post_annotation(CONTRACT, {**note, "body": "something else"}, key), 409, "idempotency_conflict")
    problem(api.post_annotation("ctr_000004", note, key), 409, "idempotency_conflict")  # same key, other contract
    replay = api.post_annotation(CONTRACT, note, key)
    assert replay.status_code == 200 and replay.json() == created.json()


def test_keys_are_scoped_per_client(api: Api) -> None:
    note = fresh_note()
    key = f"k-{uuid.uuid4()}"
    mine = api.post_annotation(CONTRACT, note, key)
    other_client = api.token("demo-client", scope="write:annotations")  # same client, other token: same scope of keys
    assert api.post_annotation(CONTRACT, note, key, token=other_client).json()["id"] == mine.json()["id"]


def test_created_annotation_is_located_and_listed(api: Api) -> None:
    note = fresh_note()
    created = api.post_annotation(CONTRACT, note, f"k-{uuid.uuid4()}", acting_user="Zoë O'Brien".encode())
    assert created.status_code == 201
    body = created.json()
    assert body["author"] == "Zoë O'Brien" and body["author_type"] == "assistant"
    assert body["target"] == {"section": SECTION, "start": None, "end": None}
    location = created.headers["location"]
    assert api.ok(location) == body
    assert body in _annotations(api, CONTRACT)


def test_author_defaults_to_the_client(api: Api) -> None:
    created = api.post_annotation(CONTRACT, {"body": "plain"}, f"k-{uuid.uuid4()}")
    assert created.json()["author"] == "demo-client" and created.json()["author_type"] == "user"


def test_idempotency_key_is_required(api: Api) -> None:
    note = fresh_note()
    problem(api.post_annotation(CONTRACT, note, None), 428, "idempotency_key_required")


def test_bad_inputs_are_400(api: Api) -> None:
    note = fresh_note()
    key = f"k-{uuid.uuid4()}"
    for bad in ({"body": ""}, {"body": "x" * 4001}, {"body": "ok", "author_type": "robot"}, {"body": "ok", "extra": 1}):
        problem(api.post_annotation(CONTRACT, bad, key), 400, "invalid_parameter")
    body = problem(api.post_annotation(CONTRACT, note, key, acting_user="a" * 129), 400, "invalid_parameter")
    assert body["errors"][0]["field"] == "X-Acting-User"
    problem(api.post_annotation(CONTRACT, note, "k" * 256), 400, "invalid_parameter")
    problem(api.post_annotation("ctr_999999", note, key), 404, "not_found")


def test_writing_needs_the_write_scope(api: Api) -> None:
    note = fresh_note()
    token = api.token("readonly-client")
    body = problem(api.post_annotation(CONTRACT, note, "k-ro", token=token), 403, "insufficient_scope")
    assert body["required_scope"] == "write:annotations"
