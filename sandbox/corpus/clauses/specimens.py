"""Specimen contract records for the renderer's tests and benchmark (independent of the generator).

Terms are internally consistent the way `sandbox.corpus.generate` makes them: expiry = effective
date + initial term (calendar months), rolled forward by whole renewal terms past `as_of` when the
contract auto-renews, the renewal notice date = current term end - notice days, and a terminated
contract's expiry is its termination date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from random import Random
from typing import NamedTuple

from sandbox.api_models import ContractStatus, ContractType
from sandbox.corpus.clauses.wording import add_months
from sandbox.corpus.models import ContractRecord, GeneratedCounterparty

COUNTERPARTIES = (
    GeneratedCounterparty(id="cp-001", name="Acme Analytics Inc.", country="US"),
    GeneratedCounterparty(id="cp-002", name="O'Brien & Sons Ltd", country="GB"),
    GeneratedCounterparty(id="cp-003", name='The "Blue Door" Company LLC', country="US"),
    GeneratedCounterparty(id="cp-004", name="Société Générale d'Équipement SAS", country="FR"),
    GeneratedCounterparty(id="cp-005", name="Müller & Schröder GmbH", country="DE"),
    GeneratedCounterparty(id="cp-006", name="שירותי ענן מתקדמים בע״מ", country="IL"),
    GeneratedCounterparty(id="cp-007", name="شركة الحلول الرقمية", country="AE"),
    GeneratedCounterparty(id="cp-008", name="Northwind Traders Corp.", country="US"),
    GeneratedCounterparty(id="cp-009", name="Kaiju Robotics K.K.", country="JP"),
    GeneratedCounterparty(id="cp-010", name="Zeta <Systems> & Co.", country="NL"),
    GeneratedCounterparty(id="cp-011", name="Fjord Logistics AB", country="SE"),
    GeneratedCounterparty(id="cp-012", name="Pinnacle Health Partners, LLC", country="CA"),
)
OUR_ENTITIES = ("Contoso Holdings Inc.", "Contoso Europe Limited")
GOVERNING_LAWS = (
    "New York",
    "Delaware",
    "California",
    "Texas",
    "Massachusetts",
    "England and Wales",
    "Germany",
    "Ireland",
    "Singapore",
    "Ontario",
    "Washington",
    "Illinois",
)
_TYPE_WEIGHTS = (
    (ContractType.MSA, 16),
    (ContractType.SOW, 18),
    (ContractType.ORDER_FORM, 12),
    (ContractType.NDA, 16),
    (ContractType.DPA, 10),
    (ContractType.AMENDMENT, 10),
    (ContractType.LICENSE, 9),
    (ContractType.SUPPLY, 9),
)
_CHILD_TYPES = (ContractType.SOW, ContractType.ORDER_FORM, ContractType.DPA)
_AMENDABLE = (ContractType.MSA, ContractType.LICENSE, ContractType.SUPPLY, ContractType.NDA)


class Specimen(NamedTuple):
    record: ContractRecord
    counterparty: GeneratedCounterparty
    parent: ContractRecord | None


class _Terms(NamedTuple):
    effective_date: date | None
    execution_date: date | None
    initial_term_months: int | None
    auto_renew: bool
    renewal_term_months: int | None
    renewal_notice_days: int | None
    renewal_notice_date: date | None
    expiration_date: date | None


def _terms(rng: Random, as_of: date, not_before: date | None, termless: bool) -> _Terms:
    effective: date | None = as_of - timedelta(days=rng.randint(-60, 1600))
    if not_before is not None and effective is not None and effective < not_before:
        effective = not_before + timedelta(days=rng.randint(0, 400))
    if rng.random() < 0.05:
        effective = None
    executed = None if effective is None else effective - timedelta(days=rng.choice((0, 0, 0, 3, 14)))
    if effective is None and rng.random() < 0.5:
        executed = as_of - timedelta(days=rng.randint(1, 30))
    initial = None if termless else rng.choice((6, 12, 12, 24, 36, 36, 18, 60, None))
    auto = initial is not None and rng.random() < 0.55
    renewal = rng.choice((12, 12, 6, 24, initial)) if auto else None
    notice = rng.choice((30, 45, 60, 90, 90, 120)) if auto and rng.random() < 0.9 else None
    expiration: date | None = None
    notice_date: date | None = None
    if effective is not None and initial is not None:
        first_end = expiration = add_months(effective, initial)
        k = 0
        while auto and renewal and expiration < as_of:
            k += 1
            expiration = add_months(first_end, k * renewal)
        if notice is not None:
            notice_date = expiration - timedelta(days=notice)
    elif effective is not None and not termless and rng.random() < 0.3:
        expiration = effective + timedelta(days=rng.randint(200, 900))
    return _Terms(effective, executed, initial, auto, renewal, notice, notice_date, expiration)


def _terminated(rng: Random, terms: _Terms, as_of: date) -> _Terms:
    """Now and then a contract ended early: its expiry becomes the termination date, no deadline."""
    if terms.effective_date is None or terms.effective_date > as_of - timedelta(days=90) or rng.random() >= 0.06:
        return terms
    ended = terms.effective_date + timedelta(days=rng.randint(30, (as_of - terms.effective_date).days - 1))
    return terms._replace(expiration_date=ended, renewal_notice_date=None)


def _status(terms: _Terms, as_of: date, terminated: bool) -> ContractStatus:
    if terminated:
        return ContractStatus.TERMINATED
    if terms.effective_date is None:
        return ContractStatus.DRAFT
    if terms.expiration_date is not None and terms.expiration_date < as_of:
        return ContractStatus.EXPIRED
    return ContractStatus.ACTIVE


def _flags(index: int) -> list[str]:
    """Adversarial variants on a fixed schedule: every kind appears in any run of a few hundred."""
    flags = []
    if index % 37 == 5:
        flags.append("invisible_chars")
    if index % 41 == 7:
        flags.append("injection")
    if index % 29 == 3:
        flags.append("contradictory")
    if index % 53 == 11:
        flags.append("scanned")
    if index % 401 == 13:
        flags.append("huge")
    if index % 211 == 17:
        flags += ["invisible_chars", "injection"]
    return sorted(set(flags))


def specimens(count: int, seed: int, as_of: date, huge: bool = True) -> Iterator[Specimen]:
    """`count` records of every type, children pointing at earlier parents of the same counterparty."""
    rng = Random(f"specimens:{seed}")
    types = [t for t, weight in _TYPE_WEIGHTS for _ in range(weight)]
    parents: dict[str, list[ContractRecord]] = {}
    updated = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    for index in range(count):
        counterparty = COUNTERPARTIES[rng.randrange(len(COUNTERPARTIES))]
        kind = types[rng.randrange(len(types))]
        family = parents.get(counterparty.id, [])
        parent: ContractRecord | None = None
        if kind in _CHILD_TYPES:
            msas = [p for p in family if p.type == ContractType.MSA]
            parent = msas[rng.randrange(len(msas))] if msas and rng.random() < 0.9 else None
        elif kind == ContractType.AMENDMENT:
            amendable = [p for p in family if p.type in _AMENDABLE]
            parent = amendable[rng.randrange(len(amendable))] if amendable else None
        termless = kind in (ContractType.DPA, ContractType.AMENDMENT) and rng.random() < 0.6
        natural = _terms(rng, as_of, parent.effective_date if parent is not None else None, termless)
        terms = _terminated(rng, natural, as_of)
        convenience = rng.random() < 0.5
        cap_amount = rng.choice((None, 250_000.0, 500_000.0, 1_000_000.0, 2_500_000.0, 1234567.89))
        cap_description = None
        if cap_amount is None and rng.random() < 0.6:
            cap_description = f"fees paid in the {rng.choice((12, 12, 6, 24))} months preceding the claim"
        total = rng.choice((None, 50_000.0, 120_000.0, 480_000.0, 1_750_000.0))
        flags = _flags(index)
        if not huge:
            flags = [f for f in flags if f != "huge"]
        record = ContractRecord(
            id=f"ctr-{seed}-{index:06d}",
            number=f"CTR-{(terms.effective_date or as_of).year}-{index:05d}",
            title=f"{kind.value} with {counterparty.name}",
            type=kind,
            status=_status(terms, as_of, terminated=terms is not natural),
            counterparty_id=counterparty.id,
            our_entity=OUR_ENTITIES[rng.randrange(2)],
            owner_name=rng.choice(("Dana Whitfield", "Rahul Mehta", "Chloé Martin", "Seo-yeon Park")),
            owner_email="legal-ops@contoso.example",
            **terms._asdict(),
            termination_for_convenience=convenience,
            convenience_party=rng.choice(("either", "us", "counterparty", None)) if convenience else None,
            convenience_notice_days=rng.choice((30, 60, 90, None)) if convenience else None,
            cure_days=rng.choice((10, 15, 30, 30, 45, None)),
            payment_terms_days=None
            if kind in (ContractType.NDA, ContractType.DPA)
            else rng.choice((15, 30, 30, 45, 60, 90, None)),
            total_value=total,
            annual_value=None if total is None else round(total / 3, 2),
            currency=rng.choice(("USD", "USD", "EUR", "GBP", "CHF")),
            governing_law=rng.choice(GOVERNING_LAWS) if rng.random() < 0.95 else None,
            liability_cap_amount=cap_amount,
            liability_cap_description=cap_description,
            parent_id=parent.id if parent is not None and kind != ContractType.AMENDMENT else None,
            amends_id=parent.id if parent is not None and kind == ContractType.AMENDMENT else None,
            tags=[],
            updated_at=updated,
            adversarial=flags,
        )
        if kind in _AMENDABLE:
            parents.setdefault(counterparty.id, []).append(record)
        yield Specimen(record, counterparty, parent)
