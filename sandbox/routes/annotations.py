"""GET and POST /v1/contracts/{id}/annotations (POST is idempotent by Idempotency-Key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from sandbox.api_models import ID_PATTERN, Annotation, AnnotationCreate, ErrorCode, Page
from sandbox.routes.common import CursorWalk, problems, query_binding
from sandbox.routes.contracts import ContractId
from sandbox.routes.table import RouteTable
from sandbox.store.annotations import (
    IdempotencyConflictError,
    TargetError,
    create_annotation,
    get_annotation,
    list_annotations,
)
from sandbox.store.contracts import contract_seq
from sandbox.web.problems import ApiError
from sandbox.web.security import AnnotationsWriter, ContractsReader
from sandbox.web.state import SandboxState, get_state

router = RouteTable(prefix="/v1", tags=["annotations"])

State = Annotated[SandboxState, Depends(get_state)]
MAX_KEY_CHARS = 255
MAX_ACTING_USER_CHARS = 128


class AnnotationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=1000)


@router.get(
    "/contracts/{contract_id}/annotations",
    response_model=Page[Annotation],
    summary="Annotations of a contract, oldest first",
    responses=problems(400, 403, 404),
)
def get_annotations(
    contract_id: ContractId, query: Annotated[AnnotationQuery, Query()], access: ContractsReader, state: State
) -> Page[Annotation]:
    endpoint = access.view.cursor_scope(f"annotations:{contract_id}")
    walk = CursorWalk(state.cursors, endpoint, query_binding(query, {"limit", "cursor"}))
    after = walk.position(query.cursor)
    with state.db.read() as conn:
        if contract_seq(conn, contract_id, access.view) is None:
            raise ApiError.not_found(f"contract {contract_id}")
        rows = list_annotations(conn, contract_id, after, query.limit)
    return walk.page(Page[Annotation], rows)


@router.get(
    "/contracts/{contract_id}/annotations/{annotation_id}",
    response_model=Annotation,
    summary="One annotation",
    responses=problems(400, 403, 404),
)
def get_one_annotation(
    contract_id: ContractId,
    annotation_id: Annotated[str, Path(pattern=ID_PATTERN)],
    access: ContractsReader,
    state: State,
) -> Annotation:
    with state.db.read() as conn:
        visible = access.view.everything or contract_seq(conn, contract_id, access.view) is not None
        annotation = get_annotation(conn, contract_id, annotation_id) if visible else None
    if annotation is None:
        raise ApiError.not_found(f"annotation {annotation_id} of contract {contract_id}")
    return annotation


@router.post(
    "/contracts/{contract_id}/annotations",
    response_model=Annotation,
    status_code=201,
    summary="Add an annotation (idempotent: same Idempotency-Key and body -> the original, 200)",
    description="201: written. 200 with header `Idempotent-Replayed: true`: a retry of an earlier request with "
    "this key. 200 with header `Annotation-Duplicate: true` and `duplicate: true`: this author had already "
    "written this body (whitespace aside) on this target of the contract; that note is returned and nothing is "
    "written. 400 names the field (`target.section`, `target.start`, `target.end`) when the target is not in "
    "the document: a section must be one of the document's sections, offsets must satisfy "
    "0 <= start < end <= document length (and lie inside the section when both are given).",
    responses={
        200: {
            "model": Annotation,
            "description": "Replay of an earlier request with this key (Idempotent-Replayed), or the existing "
            "identical note (Annotation-Duplicate)",
        },
        **problems(400, 403, 404, 409, 428),
    },
)
def post_annotation(
    contract_id: ContractId,
    annotation: AnnotationCreate,
    access: AnnotationsWriter,
    state: State,
    response: Response,
    idempotency_key: Annotated[
        str | None, Header(description="Unique per logical write; reuse it on retries", max_length=1000)
    ] = None,
    x_acting_user: Annotated[
        str | None, Header(description="The person on whose behalf the client acts", max_length=1000)
    ] = None,
) -> Annotation:
    if idempotency_key is None:
        raise ApiError(428, ErrorCode.IDEMPOTENCY_KEY_REQUIRED, "POST annotations needs an Idempotency-Key header")
    key = _checked_header("Idempotency-Key", idempotency_key, MAX_KEY_CHARS)
    author = _checked_header("X-Acting-User", x_acting_user, MAX_ACTING_USER_CHARS) if x_acting_user else None
    principal = access.principal
    # Keys are per client, and per user for a client acting for users: one user's key never replays another's.
    namespace = principal.client_id
    if access.user is not None:
        author = access.user.user_id  # the verified user, whatever a header says
        namespace = f"{principal.client_id}#{access.user.user_id}"
    try:
        with state.db.write() as conn:
            seq = contract_seq(conn, contract_id, access.view)
            if seq is None:
                raise ApiError.not_found(f"contract {contract_id}")
            access.require_write()
            outcome = create_annotation(
                conn, namespace, key, contract_id, annotation, author or principal.client_id, seq
            )
    except TargetError as exc:
        raise ApiError.invalid_parameter(exc.field, exc.message) from exc
    except IdempotencyConflictError as exc:
        raise ApiError(
            409, ErrorCode.CONFLICT, "this Idempotency-Key was already used with a different request"
        ) from exc
    if outcome.replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    elif outcome.duplicate:
        response.status_code = 200
        response.headers["Annotation-Duplicate"] = "true"
        response.headers["Location"] = f"/v1/contracts/{contract_id}/annotations/{outcome.annotation.id}"
        return outcome.annotation.model_copy(update={"duplicate": True})
    else:
        state.observer.annotation_created()
        response.headers["Location"] = f"/v1/contracts/{contract_id}/annotations/{outcome.annotation.id}"
    return outcome.annotation


def _checked_header(name: str, raw: str, max_chars: int) -> str:
    """A header value as text: UTF-8 decoded (HTTP hands it over as Latin-1), printable, bounded."""
    try:
        value = raw.encode("latin-1").decode("utf-8").strip()
    except (UnicodeEncodeError, UnicodeDecodeError) as exc:
        raise ApiError.invalid_parameter(name, "must be UTF-8 text") from exc
    if not value or len(value) > max_chars or not value.isprintable():
        raise ApiError.invalid_parameter(name, f"must be 1-{max_chars} printable characters")
    return value
