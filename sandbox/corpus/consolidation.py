"""Ground truth of a base agreement's consolidated terms: its own facts, then each executed
amendment's planned changes in effective-date order, each value with where it was set."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sandbox.corpus.amendments import CLAUSE_KINDS, CONSOLIDATED_KINDS, is_executed
from sandbox.corpus.clauses.deadlines import next_notice_deadline
from sandbox.corpus.clauses.plan import plan_document
from sandbox.corpus.models import (
    ConsolidatedFact,
    ConsolidatedTruth,
    ContractRecord,
    FactKind,
    GroundTruth,
    Provenance,
)


def consolidated_truth(
    base: ContractRecord, base_truth: GroundTruth, amendments: Sequence[ContractRecord], seed: int, as_of: date
) -> ConsolidatedTruth | None:
    """None for a base with no amendments, or one whose own text is doctored or missing (not measured)."""
    if not amendments or base.adversarial:
        return None
    in_force: dict[FactKind, ConsolidatedFact] = {}
    for fact in base_truth.facts:
        if fact.kind in CONSOLIDATED_KINDS and fact.kind not in in_force:  # the first statement governs
            in_force[fact.kind] = ConsolidatedFact(
                kind=fact.kind,
                value=fact.value,
                source=Provenance(document_id=base.id, section=fact.span.section, value=fact.value),
            )
    ordered = sorted(amendments, key=lambda a: (a.effective_date or date.max, a.id))
    applied = [a for a in ordered if is_executed(a)]
    signed_base = base.signed_view()
    for amendment in applied:
        if not amendment.changes:
            continue
        placed = plan_document(amendment, seed, signed_base).placed
        for k, change in enumerate(amendment.changes, 1):
            section = placed[f"amend.change.{k}"].number
            kinds = CLAUSE_KINDS[change.clause] if change.op != "modify" else tuple(change.values)
            for kind in kinds:
                value = change.values.get(kind)
                if change.op == "delete" and kind is FactKind.AUTO_RENEWAL:
                    value = "false"  # no renewal clause: the agreement ends with its term
                previous = in_force.get(kind)
                if previous is None and value is None:
                    continue
                superseded = [*previous.superseded, previous.source] if previous is not None else []
                in_force[kind] = ConsolidatedFact(
                    kind=kind,
                    value=value,
                    source=Provenance(document_id=amendment.id, section=section, value=value),
                    superseded=superseded,
                )
    days = base.renewal_notice_days
    return ConsolidatedTruth(
        amendments=[a.id for a in applied],
        pending=[a.id for a in ordered if not is_executed(a)],
        facts=[in_force[kind] for kind in CONSOLIDATED_KINDS if kind in in_force],
        renewal_notice_deadline=base.renewal_notice_date,
        current_term_end=base.expiration_date,
        next_notice_deadline=next_notice_deadline(base, days, as_of) if base.auto_renew and days else None,
    )
