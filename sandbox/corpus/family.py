"""Ground truth of comparing a SOW or order form with the agreement it sits under.

For each term both documents state with different values, the truth says what a lawyer would: an
**override** when the child sets the agreement's section aside expressly ("Notwithstanding Section 4.3 of the
Agreement, ...") and its order-of-precedence clause lets its express modifications prevail; otherwise a
**conflict** (the child merely states another value, or its precedence clause says the agreement prevails).
The agreement's value is its term in force: after its executed amendments (`ConsolidatedTruth`).
"""

from __future__ import annotations

from typing import Literal

from sandbox.api_models import ContractType
from sandbox.corpus.generate import CorpusRecords, render_contract
from sandbox.corpus.models import ContractRecord, FactKind, Frozen, GroundTruth

# The kinds compared between a child and its agreement (the terms both may state).
COMPARED_KINDS: tuple[FactKind, ...] = (
    FactKind.PAYMENT_TERMS,
    FactKind.LIABILITY_CAP,
    FactKind.GOVERNING_LAW,
    FactKind.WARRANTY_DURATION,
    FactKind.CONFIDENTIALITY_PERIOD,
    FactKind.AUDIT_RIGHTS,
    FactKind.INSURANCE,
    FactKind.DATA_PROTECTION,
    FactKind.TERMINATION_FOR_CONVENIENCE,
)
CHILD_TYPES = (ContractType.SOW, ContractType.ORDER_FORM)


class FamilyDifference(Frozen):
    child_id: str
    parent_id: str
    kind: FactKind
    child_value: str
    parent_value: str
    verdict: Literal["override", "conflict"]
    child_section: str | None  # where the child states its value
    overridden_section: str | None  # the agreement's section the child sets aside expressly (None: no override)
    precedence: Literal["override_allowed", "agreement_prevails"] | None  # the child's precedence clause
    precedence_section: str | None


def _in_force(truth: GroundTruth) -> dict[FactKind, tuple[str | None, str | None]]:
    """kind -> (value, section) as the document states it, after its amendments when it has any."""
    values: dict[FactKind, tuple[str | None, str | None]] = {}
    for fact in truth.facts:
        values.setdefault(fact.kind, (fact.value, fact.span.section))
    if truth.consolidated is not None:
        for consolidated in truth.consolidated.facts:
            values[consolidated.kind] = (consolidated.value, consolidated.source.section)
    return values


def family_differences(records: CorpusRecords, child: ContractRecord) -> list[FamilyDifference]:
    """The differences between a SOW / order form and its agreement, each an override or a conflict."""
    parent = records.parent_of(child)
    if child.type not in CHILD_TYPES or parent is None or child.adversarial or parent.adversarial:
        return []
    child_truth = render_contract(records, child).truth
    parent_truth = render_contract(records, parent).truth
    mine = _in_force(child_truth)
    theirs = _in_force(parent_truth)
    precedence = next((m for m in child_truth.marks if m.name == "precedence"), None)
    overrides = {
        m.value.split("|", 1)[0]: m.value.split("|", 1)[1] or None for m in child_truth.marks if m.name == "override"
    }
    out: list[FamilyDifference] = []
    for kind in COMPARED_KINDS:
        child_value, child_section = mine.get(kind, (None, None))
        parent_value, _ = theirs.get(kind, (None, None))
        if child_value is None or parent_value is None or child_value == parent_value:
            continue
        allowed = precedence is not None and precedence.value == "override_allowed"
        express = kind.value in overrides
        out.append(
            FamilyDifference(
                child_id=child.id,
                parent_id=parent.id,
                kind=kind,
                child_value=child_value,
                parent_value=parent_value,
                verdict="override" if express and allowed else "conflict",
                child_section=child_section,
                overridden_section=overrides.get(kind.value),
                precedence=None if precedence is None else precedence.value,
                precedence_section=None if precedence is None else precedence.span.section,
            )
        )
    return out


def corpus_differences(records: CorpusRecords) -> list[FamilyDifference]:
    return [d for record in records.contracts for d in family_differences(records, record)]
