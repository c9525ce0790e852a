"""Deterministic corpus generator: counterparties and contract records, then their documents.

Same `Corpus` (contracts, seed, as_of) -> the same records, texts and ground truth, byte for byte:
one seeded `random.Random`, no global state, no wall clock, no `hash()` of strings.

Records are generated in families (an MSA with its SOWs, order forms, DPA and amendments;
standalone NDAs, licences and supply agreements). A few auto-renewing contracts are planted so
their renewal-notice deadlines fall exactly 30, 60 and 90 days after `as_of` (reproducible demos).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from sandbox.api_models import ContractStatus, ContractType
from sandbox.corpus import parties
from sandbox.corpus.amendments import plan_amendments
from sandbox.corpus.clauses.plan import plan_document
from sandbox.corpus.consolidation import consolidated_truth
from sandbox.corpus.document import render_document
from sandbox.corpus.models import ContractRecord, Corpus, GeneratedContract, GeneratedCounterparty
from sandbox.corpus.terms import add_months, current_term_end, initial_expiry, renewal_notice_date
from sandbox.corpus.version import SHAPE_KEY

# GENERATOR_VERSION is in sandbox/corpus/version.py: opening a cached build reads it without importing this.
ADVERSARIAL_FLAGS: Final = ("huge", "invisible_chars", "injection", "scanned", "contradictory")
FIRST_ORDINARY: Final = 3  # ctr_000001..3 are ordinary documents in every corpus
PLANTED_NOTICE_OFFSETS: Final = (30, 60, 90)  # days after as_of


@dataclass
class CorpusRecords:
    """Everything but the document texts (cheap to generate; rendering is the expensive part)."""

    corpus: Corpus
    counterparties: list[GeneratedCounterparty]
    contracts: list[ContractRecord]
    _counterparty_index: dict[str, GeneratedCounterparty] = field(init=False, repr=False)
    _contract_index: dict[str, ContractRecord] = field(init=False, repr=False)
    _amendment_index: dict[str, list[ContractRecord]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._counterparty_index = {c.id: c for c in self.counterparties}
        self._contract_index = {c.id: c for c in self.contracts}
        self._amendment_index = {}
        for c in self.contracts:
            if c.amends_id is not None:
                self._amendment_index.setdefault(c.amends_id, []).append(c)

    def counterparty_of(self, record: ContractRecord) -> GeneratedCounterparty:
        return self._counterparty_index[record.counterparty_id]

    def parent_of(self, record: ContractRecord) -> ContractRecord | None:
        return self._contract_index.get(record.parent_id) if record.parent_id else None

    def amendments_of(self, record: ContractRecord) -> list[ContractRecord]:
        """The amendments of an agreement, in corpus order (executed or not)."""
        return self._amendment_index.get(record.id, [])


def generate_records(corpus: Corpus) -> CorpusRecords:
    return _RecordFactory(corpus).build()


def render_contract(records: CorpusRecords, record: ContractRecord) -> GeneratedContract:
    """One contract with its document text and ground truth (`sandbox.corpus.document` renders it)."""
    corpus = records.corpus
    parent = records.parent_of(record)
    text, truth = render_document(record, records.counterparty_of(record), parent, corpus.as_of, corpus.seed)
    amendments = records.amendments_of(record)
    if amendments:
        consolidated = consolidated_truth(record, truth, amendments, corpus.seed, corpus.as_of)
        truth = truth.model_copy(update={"consolidated": consolidated})
    return GeneratedContract(record=record, text=text, truth=truth)


def generate(corpus: Corpus) -> Iterator[GeneratedCounterparty | GeneratedContract]:
    """All counterparties, then every contract with its document text and ground truth."""
    records = generate_records(corpus)
    yield from records.counterparties
    for record in records.contracts:
        yield render_contract(records, record)


# --- record generation -------------------------------------------------------------------------

_CURRENCY_BY_COUNTRY: Final = {
    "US": "USD", "GB": "GBP", "CH": "CHF", "CA": "CAD", "AU": "AUD", "JP": "JPY", "SG": "SGD", "IN": "USD",
    "DE": "EUR", "FR": "EUR", "ES": "EUR", "IT": "EUR", "NL": "EUR", "IE": "EUR", "AT": "EUR", "FI": "EUR",
    "LU": "EUR", "DK": "EUR", "SE": "EUR", "PL": "EUR", "CZ": "EUR", "IS": "EUR",
}  # fmt: skip
_CURRENCY_SCALE: Final = {"JPY": 150.0}
_ENTITY_BY_COUNTRY: Final = {"US": 0, "GB": 1, "IE": 1, "DE": 2, "AT": 2, "CH": 2, "CA": 3}
_PROJECTS: Final = (
    "Data Platform Migration", "Security Assessment", "CRM Implementation", "Managed Support Services",
    "Analytics Dashboard Build", "Cloud Cost Optimisation", "Mobile App Development", "ERP Integration",
    "Staff Augmentation", "Network Refresh", "Compliance Readiness Review", "Machine Learning Pilot",
)  # fmt: skip
_PRODUCTS: Final = (
    "Enterprise Subscription", "Professional Edition", "Premium Support", "Storage Add-on", "API Access Tier",
    "Seat Expansion",
)  # fmt: skip
_LONG_NAMES: Final = {
    ContractType.NDA: "Mutual Non-Disclosure Agreement",
    ContractType.MSA: "Master Services Agreement",
    ContractType.LICENSE: "Software License Agreement",
    ContractType.SUPPLY: "Supply Agreement",
    ContractType.ORDER_FORM: "Order Form",
    ContractType.DPA: "Data Processing Addendum",
}


@dataclass(frozen=True)
class _TermPlan:
    initial_months: int | None
    auto_renew: bool
    renewal_months: int | None
    notice_days: int | None


@dataclass
class _RecordFactory:
    corpus: Corpus
    rng: random.Random = field(init=False)
    counterparties: list[GeneratedCounterparty] = field(default_factory=list)
    contracts: list[ContractRecord] = field(default_factory=list)
    id_width: int = field(init=False)
    number_width: int = field(init=False)
    year_sequence: dict[int, int] = field(default_factory=dict)
    adversarial_at: dict[int, str] = field(default_factory=dict)
    planted_left: list[int] = field(default_factory=list)
    family_order: list[int] = field(default_factory=list)
    cp_weights: list[float] = field(default_factory=list)
    planted_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # Seed from the corpus parameters only; str(seed) keeps big or negative seeds well defined.
        self.rng = random.Random(f"sandbox-corpus:{self.corpus.seed}:{SHAPE_KEY}")
        self.id_width = max(6, len(str(self.corpus.contracts)))
        self.number_width = 4 if self.corpus.contracts < 10_000 else 6

    # -- orchestration --

    def build(self) -> CorpusRecords:
        n = self.corpus.contracts
        self._make_counterparties()
        positions = self.rng.sample(range(n), min(len(ADVERSARIAL_FLAGS), n))
        # The first contracts are never adversarial (scanned, huge...): tools' example arguments name them, and
        # the demo is dated today, so its draw changes daily. Mirrored, not redrawn: no other draw moves.
        positions = [n - 1 - p if p < FIRST_ORDINARY and n > 2 * FIRST_ORDINARY else p for p in positions]
        self.adversarial_at = dict(zip(positions, ADVERSARIAL_FLAGS, strict=False))
        per_offset = max(1, min(5, n // 50))
        self.planted_left = [offset for offset in PLANTED_NOTICE_OFFSETS for _ in range(per_offset)]
        family = 0
        while len(self.contracts) < n:
            cp = self._family_counterparty(family)
            kind = self.rng.choices(("msa", "nda", "license", "supply", "order_form"), (42, 24, 14, 12, 8))[0]
            if kind == "msa":
                self._msa_family(cp)
            else:
                top_type = {
                    "nda": ContractType.NDA,
                    "license": ContractType.LICENSE,
                    "supply": ContractType.SUPPLY,
                    "order_form": ContractType.ORDER_FORM,
                }[kind]
                top = self._top_level(top_type, cp)
                if top is not None and top.type in (ContractType.LICENSE, ContractType.SUPPLY):
                    self._maybe_amendments(top, cp, chance=0.25)
            family += 1
        return CorpusRecords(corpus=self.corpus, counterparties=self.counterparties, contracts=self.contracts)

    def _make_counterparties(self) -> None:
        seeds = list(parties.COUNTERPARTIES)
        wanted = max(len(seeds), self.corpus.contracts // 200)
        combos = [
            parties.PartySeed(f"{stem} {trade} {suffix.name}", suffix.country)
            for stem in parties.NAME_STEMS
            for trade in parties.NAME_TRADES
            for suffix in parties.NAME_SUFFIXES
        ]
        self.rng.shuffle(combos)
        seeds.extend(combos[: max(0, wanted - len(seeds))])
        width = max(4, len(str(len(seeds))))
        self.counterparties = [
            GeneratedCounterparty(id=f"cp_{i:0{width}d}", name=s.name, country=s.country)
            for i, s in enumerate(seeds, start=1)
        ]
        # Every counterparty gets one family first (when there are enough contracts), then a
        # long-tailed mix: a few counterparties hold many contracts, as in a real portfolio.
        self.family_order = list(range(len(self.counterparties)))
        self.rng.shuffle(self.family_order)
        self.cp_weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(self.counterparties))]

    def _family_counterparty(self, family: int) -> GeneratedCounterparty:
        if family < len(self.family_order):
            return self.counterparties[self.family_order[family]]
        index = self.rng.choices(self.family_order, self.cp_weights)[0]
        return self.counterparties[index]

    def _room(self) -> bool:
        return len(self.contracts) < self.corpus.contracts

    # -- families --

    def _msa_family(self, cp: GeneratedCounterparty) -> None:
        msa = self._top_level(ContractType.MSA, cp)
        if msa is None or msa.execution_date is None:
            return  # an unsigned MSA has nothing under it yet
        for k in range(1, self.rng.choice((0, 1, 1, 2, 2, 3, 4)) + 1):
            if self._room():
                self._child(ContractType.SOW, msa, cp, k)
        for k in range(1, self.rng.choice((0, 0, 1, 1, 2)) + 1):
            if self._room():
                self._child(ContractType.ORDER_FORM, msa, cp, k)
        if self._room() and self.rng.random() < 0.5:
            self._child(ContractType.DPA, msa, cp, 1)
        self._maybe_amendments(msa, cp, chance=0.35)

    def _maybe_amendments(self, parent: ContractRecord, cp: GeneratedCounterparty, chance: float) -> None:
        if parent.execution_date is None or self.rng.random() >= chance:
            return
        first = len(self.contracts)
        for k in range(1, self.rng.choice((1, 1, 2)) + 1):
            if self._room():
                self._child(ContractType.AMENDMENT, parent, cp, k)
        self._apply_amendments(parent, first)

    def _apply_amendments(self, base: ContractRecord, first: int) -> None:
        """Plan what the amendments just added change, and give the base its consolidated terms."""
        amendments = self.contracts[first:]
        if not amendments:
            return
        keys = frozenset(plan_document(base, self.corpus.seed).placed)
        consolidated, planned = plan_amendments(
            base,
            amendments,
            keys,
            seed=self.corpus.seed,
            as_of=self.corpus.as_of,
            term_changes=base.id not in self.planted_ids,
        )
        self.contracts[first:] = planned
        index = next(i for i in range(first - 1, -1, -1) if self.contracts[i].id == base.id)
        self.contracts[index] = consolidated

    # -- one contract --

    def _top_level(self, ctype: ContractType, cp: GeneratedCounterparty) -> ContractRecord | None:
        if not self._room():
            return None
        as_of = self.corpus.as_of
        plan = self._term_plan(ctype)
        signed = self.rng.random() >= 0.08
        effective: date | None
        planted = None
        if signed:
            planted = self._plant_deadline(plan)
            effective = planted or as_of - timedelta(days=self.rng.randint(0, 6 * 365))
        else:
            effective = None if self.rng.random() < 0.4 else as_of + timedelta(days=self.rng.randint(5, 120))
        entity = parties.OUR_ENTITIES[_ENTITY_BY_COUNTRY.get(cp.country, self.rng.randrange(4))]
        law = entity.governing_law if self.rng.random() < 0.6 else self.rng.choice(parties.GOVERNING_LAWS)
        title = f"{_LONG_NAMES[ctype]} – {cp.name}"
        return self._add(ctype, cp, plan, effective, signed, title, None, entity.name, law, None, planted is not None)

    def _child(self, ctype: ContractType, parent: ContractRecord, cp: GeneratedCounterparty, k: int) -> None:
        assert parent.effective_date is not None  # children exist only under signed parents
        start = parent.effective_date + timedelta(days=self.rng.randint(0, 900))
        if parent.expiration_date is not None:
            # Work under an agreement starts while the agreement still runs.
            start = max(parent.effective_date, min(start, parent.expiration_date - timedelta(days=30)))
        signed = start <= self.corpus.as_of  # later starts are still in the pipeline
        effective = start
        plan = self._term_plan(ctype)
        if ctype is ContractType.SOW:
            title = f"Statement of Work No. {k} – {self.rng.choice(_PROJECTS)}"
        elif ctype is ContractType.ORDER_FORM:
            title = f"Order Form {effective.year}-{k:02d} – {self.rng.choice(_PRODUCTS)}"
        elif ctype is ContractType.DPA:
            title = f"Data Processing Addendum to {parent.number}"
        else:
            title = f"Amendment No. {k} to {parent.number} ({parent.type.value})"
        amends = parent.id if ctype is ContractType.AMENDMENT else None
        self._add(
            ctype, cp, plan, effective, signed, title, parent, parent.our_entity, parent.governing_law, amends, False
        )

    def _term_plan(self, ctype: ContractType) -> _TermPlan:
        r = self.rng
        if ctype in (ContractType.DPA, ContractType.AMENDMENT):
            return _TermPlan(None, False, None, None)  # runs with the agreement it belongs to
        if ctype is ContractType.SOW:
            return _TermPlan(r.choice((3, 4, 6, 6, 9, 12, 18)), False, None, None)
        evergreen = {ContractType.NDA: 0.1, ContractType.MSA: 0.2}.get(ctype, 0.0)
        if r.random() < evergreen:
            return _TermPlan(None, False, None, None)
        months = {
            ContractType.NDA: (12, 24, 24, 36),
            ContractType.MSA: (24, 36, 36, 60),
            ContractType.LICENSE: (12, 12, 24, 36),
            ContractType.SUPPLY: (24, 36, 60),
            ContractType.ORDER_FORM: (12, 12, 24, 36),
        }[ctype]
        auto = r.random() < {ContractType.NDA: 0.3, ContractType.SUPPLY: 0.5}.get(ctype, 0.65)
        if not auto:
            return _TermPlan(r.choice(months), False, None, None)
        notice = r.choice((30, 60, 90, 90, 180) if ctype is ContractType.SUPPLY else (30, 60, 60, 90))
        return _TermPlan(r.choice(months), True, r.choice((12, 12, 12, 24)), notice)

    def _plant_deadline(self, plan: _TermPlan) -> date | None:
        """An effective date that puts this contract's notice deadline on a planted day, if one is due."""
        if not (self.planted_left and plan.auto_renew and plan.initial_months and plan.renewal_months):
            return None
        assert plan.notice_days is not None
        as_of = self.corpus.as_of
        offset = self.planted_left[0]
        term_end = as_of + timedelta(days=offset + plan.notice_days)
        renewals = self.rng.randint(0, 3)
        effective = add_months(term_end, -(plan.initial_months + renewals * plan.renewal_months))
        # Month-end clamping (29 February) can break the round trip: then plant on a later contract.
        rolled = current_term_end(initial_expiry(effective, plan.initial_months), plan.renewal_months, as_of)
        if effective > as_of or rolled != term_end:
            return None
        self.planted_left.pop(0)
        return effective

    def _add(
        self,
        ctype: ContractType,
        cp: GeneratedCounterparty,
        plan: _TermPlan,
        effective: date | None,
        signed: bool,
        title: str,
        parent: ContractRecord | None,
        our_entity: str,
        law: str | None,
        amends: str | None,
        planted: bool,
    ) -> ContractRecord:
        r = self.rng
        as_of = self.corpus.as_of
        index = len(self.contracts)
        execution = None
        if signed and effective is not None:
            execution = effective - timedelta(days=r.choice((0, 0, 1, 3, 7, 14, 30)))
        status, expiration, notice_date = self._lifecycle(plan, effective, signed, may_terminate=not planted)
        currency = None
        if ctype not in (ContractType.NDA, ContractType.DPA, ContractType.AMENDMENT):
            currency = parent.currency if parent is not None else _CURRENCY_BY_COUNTRY.get(cp.country, "USD")
        annual, total = self._values(ctype, plan, currency)
        payment_days = self._payment_terms(ctype, parent)
        cap_amount, cap_description = self._liability_cap(ctype, annual, currency)
        convenience = ctype is ContractType.NDA or (
            ctype in (ContractType.MSA, ContractType.SOW, ContractType.LICENSE, ContractType.ORDER_FORM)
            and r.random() < 0.5
        )
        owner = parent.owner_name if parent is not None else r.choice(parties.OWNERS)
        number_year = (execution or effective or as_of).year
        sequence = self.year_sequence.get(number_year, 0) + 1
        self.year_sequence[number_year] = sequence
        record = ContractRecord(
            id=f"ctr_{index + 1:0{self.id_width}d}",
            number=f"CTR-{number_year}-{sequence:0{self.number_width}d}",
            title=title,
            type=ctype,
            status=status,
            counterparty_id=cp.id,
            our_entity=our_entity,
            owner_name=owner,
            owner_email=parties.owner_email(owner),
            effective_date=effective,
            execution_date=execution,
            expiration_date=expiration,
            initial_term_months=plan.initial_months,
            auto_renew=plan.auto_renew,
            renewal_term_months=plan.renewal_months,
            renewal_notice_days=plan.notice_days,
            renewal_notice_date=notice_date,
            termination_for_convenience=convenience,
            convenience_party=r.choice(("either", "either", "us", "counterparty")) if convenience else None,
            convenience_notice_days=r.choice((30, 30, 60, 90)) if convenience else None,
            cure_days=None if ctype in (ContractType.NDA, ContractType.DPA) else r.choice((10, 15, 30, 30, 45)),
            payment_terms_days=payment_days,
            total_value=total,
            annual_value=annual,
            currency=currency,
            governing_law=law,
            liability_cap_amount=cap_amount,
            liability_cap_description=cap_description,
            parent_id=parent.id if parent is not None else None,
            amends_id=amends,
            tags=self._tags(ctype, plan, annual, cp),
            updated_at=self._updated_at(execution or effective),
            adversarial=[self.adversarial_at[index]] if index in self.adversarial_at else [],
        )
        self.contracts.append(record)
        if planted:
            self.planted_ids.add(record.id)
        return record

    def _lifecycle(
        self, plan: _TermPlan, effective: date | None, signed: bool, may_terminate: bool
    ) -> tuple[ContractStatus, date | None, date | None]:
        """Status, end of the current term and renewal-notice deadline."""
        r = self.rng
        as_of = self.corpus.as_of
        if not signed:
            status = r.choice((ContractStatus.DRAFT, ContractStatus.IN_NEGOTIATION, ContractStatus.PENDING_SIGNATURE))
            end = initial_expiry(effective, plan.initial_months) if effective and plan.initial_months else None
            notice = renewal_notice_date(end, plan.notice_days) if end and plan.notice_days else None
            return status, end, notice
        assert effective is not None
        if plan.initial_months is None:
            end = None
        else:
            end = initial_expiry(effective, plan.initial_months)
            if plan.auto_renew and plan.renewal_months:
                end = current_term_end(end, plan.renewal_months, as_of)
        if may_terminate and effective < as_of - timedelta(days=90) and r.random() < 0.06:
            last = min(end, as_of) if end else as_of
            terminated_on = effective + timedelta(days=r.randint(30, max(31, (last - effective).days - 1)))
            return ContractStatus.TERMINATED, min(terminated_on, as_of - timedelta(days=1)), None
        if end is not None and end < as_of:
            return ContractStatus.EXPIRED, end, None
        notice = renewal_notice_date(end, plan.notice_days) if end and plan.auto_renew and plan.notice_days else None
        return ContractStatus.ACTIVE, end, notice

    def _values(self, ctype: ContractType, plan: _TermPlan, currency: str | None) -> tuple[float | None, float | None]:
        r = self.rng
        scale = _CURRENCY_SCALE.get(currency or "", 1.0)
        years = (plan.initial_months or 12) / 12
        if ctype is ContractType.SOW:
            return None, _round_money(r.uniform(15_000, 750_000) * scale)
        ranges = {
            ContractType.MSA: (50_000, 2_000_000),
            ContractType.ORDER_FORM: (6_000, 400_000),
            ContractType.LICENSE: (10_000, 1_500_000),
            ContractType.SUPPLY: (100_000, 5_000_000),
        }
        bounds = ranges.get(ctype)
        if bounds is None or (ctype is ContractType.MSA and r.random() < 0.4):
            return None, None  # NDAs, DPAs, amendments and framework MSAs carry no value of their own
        annual = _round_money(r.uniform(*bounds) * scale)
        total = _round_money(annual * years) if plan.initial_months else None
        return annual, total

    def _payment_terms(self, ctype: ContractType, parent: ContractRecord | None) -> int | None:
        if ctype in (ContractType.NDA, ContractType.DPA, ContractType.AMENDMENT):
            return None
        if parent is not None and parent.payment_terms_days and self.rng.random() < 0.8:
            return parent.payment_terms_days
        return self.rng.choice((15, 30, 30, 30, 45, 60, 60, 90))

    def _liability_cap(
        self, ctype: ContractType, annual: float | None, currency: str | None
    ) -> tuple[float | None, str | None]:
        r = self.rng
        if ctype not in (ContractType.MSA, ContractType.LICENSE, ContractType.SUPPLY, ContractType.ORDER_FORM):
            return None, None
        if r.random() < 0.5 or currency is None:
            months = r.choice((12, 12, 24))
            return None, f"fees paid or payable in the {months} months preceding the claim"
        base = annual or 500_000 * _CURRENCY_SCALE.get(currency, 1.0)
        amount = _round_money(base * r.choice((1, 1, 2, 3)))
        return amount, f"{currency} {amount:,.0f}"

    def _tags(self, ctype: ContractType, plan: _TermPlan, annual: float | None, cp: GeneratedCounterparty) -> list[str]:
        tags = {
            ContractType.DPA: ["gdpr", "privacy"],
            ContractType.SUPPLY: ["procurement"],
            ContractType.LICENSE: ["software"],
            ContractType.ORDER_FORM: ["saas"],
            ContractType.SOW: ["services"],
        }.get(ctype, [])
        if plan.auto_renew:
            tags = [*tags, "auto-renewal"]
        if annual is not None and annual >= 1_000_000:
            tags = [*tags, "strategic"]
        if cp.country not in ("US", "CA"):
            tags = [*tags, "international"]
        return tags

    def _updated_at(self, anchor: date | None) -> datetime:
        r = self.rng
        as_of = self.corpus.as_of
        start = anchor if anchor is not None and anchor <= as_of else as_of - timedelta(days=60)
        day = start + timedelta(days=r.randint(0, max(0, (as_of - start).days)))
        moment = time(r.randint(7, 19), r.randint(0, 59), r.randint(0, 59))
        return datetime.combine(min(day, as_of), moment, tzinfo=UTC)


def _round_money(value: float) -> float:
    step = 1000.0 if value >= 100_000 else 500.0
    return float(max(step, round(value / step) * step))
