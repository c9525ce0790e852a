"""Measure `analysis.analyse` against CUAD expert labels.

    python bench/cuad_eval.py --data ../shared/cuad-dev --out predictions.jsonl [--holdout] [--folds 5]

DIR has the CUAD layout: DIR/full_contract_txt/*.txt and DIR/master_clauses.csv. For every contract and
every mapped category the script writes one JSON line (predicted spans in the original text, normalised
value) and prints, per category, with the number of contracts behind each figure:

- document level: precision / recall / F1 of "the clause is present". Gold presence = the category's
  label list is non-empty; predicted presence = the analysis returned a term of the mapped kind.
- span overlap: precision = share of predicted spans that overlap some gold span; recall = share of gold
  spans overlapped by some predicted span. Gold spans are the labelled pieces located in the text
  (white space collapsed, first occurrence).
- value accuracy: over contracts whose gold answer is a complete comparable value (full m/d/yyyy date,
  "perpetual", a duration, a jurisdiction), the share where the predicted value equals it. A missing
  prediction counts as wrong. Partial gold dates ("[]/[]/2004"), empty or redacted answers are excluded.
  A gold expiration year before 1950 is read 100 years later: some CUAD answers went through two-digit years
  ("12/31/1934" for a clause that says "December 31, 2034", 20-year terms from 2015 "ending" in 1935); no
  agreement or effective date in CUAD is that early.
  Equality: dates exactly; with --one-day-tolerance an expiration date may be one day off: CUAD labels a
  term's end both as its last day and as the anniversary it runs to ("through the day prior to the second
  anniversary" is labelled with the anniversary, "five (5) years" from January 1, 2000 with December 31,
  2004, where CUAD's own README example counts "five (5) years following" 2/10/2014 as 2/10/2019). Off by
  default: the tools must name the day itself, and a held-out scorer will compare exactly.
  Durations by length (P12M == P1Y, "successive" ignored); jurisdictions after
  canonical naming (state/province/republic prefixes and trailing country qualifiers dropped, PRC == China),
  correct if the predicted jurisdiction is one of those the answer lists ("Delaware, Illinois").

--holdout prints two more tables: the development part and the held-out fifth (a fixed hash of the file
name decides), so rules tuned on one can be checked on the other.

--folds K prints K-fold cross-validation: fold = sha256(file name) % K (fold 0 is the --holdout fifth when
K = 5). The rules have no trained parameters, so each fold is scored as unseen text; the table gives, per
category, the mean and the worst fold of document-level F1 and of value accuracy. Judge the rules on the
worst fold: a rule that only fits some contracts shows up as a spread between folds.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import json
import re
import sys
import time
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import ContractAnalysis, TermKind, analyse
from analysis.durations import same_length

# CUAD category -> the analysis term kind that answers it.
CATEGORIES: dict[str, TermKind] = {
    "Parties": TermKind.PARTIES,
    "Agreement Date": TermKind.AGREEMENT_DATE,
    "Effective Date": TermKind.EFFECTIVE_DATE,
    "Expiration Date": TermKind.EXPIRATION_DATE,
    "Renewal Term": TermKind.RENEWAL_TERM,
    "Notice Period to Terminate Renewal": TermKind.RENEWAL_NOTICE_PERIOD,
    "Governing Law": TermKind.GOVERNING_LAW,
    "Termination for Convenience": TermKind.TERMINATION_FOR_CONVENIENCE,
    "Cap on Liability": TermKind.LIABILITY_CAP,
    "Warranty Duration": TermKind.WARRANTY_DURATION,
    "Audit Rights": TermKind.AUDIT_RIGHTS,
    "Insurance": TermKind.INSURANCE,
}
DATE_CATEGORIES = {"Agreement Date", "Effective Date", "Expiration Date"}
DURATION_CATEGORIES = {"Renewal Term", "Notice Period to Terminate Renewal"}


# --- loading ------------------------------------------------------------------------------------------


def _key(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", ascii_name)


@dataclass
class Contract:
    name: str
    path: Path
    row: dict[str, str]


def load_contracts(data: Path) -> list[Contract]:
    csv.field_size_limit(1 << 30)
    with (data / "master_clauses.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    files = {_key(path.stem): path for path in (data / "full_contract_txt").glob("*.txt")}
    contracts: list[Contract] = []
    for row in rows:
        key = _key(re.sub(r"\.pdf$", "", row["Filename"], flags=re.IGNORECASE))
        path = files.get(key)
        if path is None:  # a few names differ in case, accents or truncation: match on a prefix
            path = next((p for k, p in files.items() if k.startswith(key[:40]) or key.startswith(k[:40])), None)
        if path is None:
            print(f"warning: no text file for {row['Filename']}", file=sys.stderr)
            continue
        contracts.append(Contract(name=path.name, path=path, row=row))
    return contracts


def fold_of(name: str, folds: int) -> int:
    """The cross-validation fold of a contract: a fixed hash of its file name, so folds never change."""
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % folds


def in_holdout(name: str) -> bool:
    return fold_of(name, 5) == 0


# --- gold ---------------------------------------------------------------------------------------------


def gold_pieces(row: dict[str, str], category: str) -> list[str]:
    raw = row.get(category, "").strip()
    labels = ast.literal_eval(raw) if raw else []
    pieces: list[str] = []
    for label in labels:
        pieces.extend(piece.strip() for piece in str(label).split("<omitted>") if piece.strip())
    return pieces


def locate(text: str, pieces: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of labelled pieces in `text`, matching with white space collapsed."""
    collapsed_chars: list[str] = []
    offsets: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if previous_space:
                continue
            previous_space = True
            collapsed_chars.append(" ")
        else:
            previous_space = False
            collapsed_chars.append(char)
        offsets.append(index)
    collapsed = "".join(collapsed_chars)
    spans: list[tuple[int, int]] = []
    for piece in pieces:
        needle = " ".join(piece.split())
        at = collapsed.find(needle)
        if at < 0 or not needle:
            continue
        spans.append((offsets[at], offsets[at + len(needle) - 1] + 1))
    return spans


def gold_date(answer: str) -> date | None:
    match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", answer)
    if not match:
        return None
    try:
        return date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None


_GOLD_DURATION = re.compile(r"(\d+)\)?\s*(day|week|month|year)s?", re.IGNORECASE)


def gold_durations(answer: str) -> list[str]:
    letters = {"day": "D", "week": "W", "month": "M", "year": "Y"}
    return [f"P{int(n)}{letters[unit.lower()]}" for n, unit in _GOLD_DURATION.findall(answer)]


_QUALIFIERS = {"canada", "united kingdom", "uk", "usa", "united states", "u.s.", "u.s.a."}
_PREFIXES = re.compile(
    r"^(?:the\s+)?(?:state\s+of|commonwealth\s+of|province\s+of|federal\s+republic\s+of|people's\s+republic\s+of|"
    r"republic\s+of|kingdom\s+of)\s+",
    re.IGNORECASE,
)
_JURISDICTION_ALIASES = {
    "prc": "china",
    "p.r.c.": "china",
    "massachussets": "massachusetts",
    "the netherlands": "netherlands",
}


def jurisdiction_names(answer: str) -> set[str]:
    names: set[str] = set()
    for alternative in re.split(r";", answer):
        parts = [p.strip() for p in re.split(r",", alternative) if p.strip()]
        kept = [p for p in parts if p.lower() not in _QUALIFIERS] or parts
        for part in kept:
            for piece in re.split(r"\s+and\s+", part):
                name = _PREFIXES.sub("", piece.strip()).strip().lower()
                name = _JURISDICTION_ALIASES.get(name, name)
                if name:
                    names.add(name)
    return names


_TWO_DIGIT_YEAR_SLIP = 1950


def gold_value(category: str, answer: str) -> list[str] | None:
    """Comparable gold values (any of them counts), or None when the answer is not comparable."""
    answer = answer.strip()
    if not answer or "[" in answer or "*" in answer:
        return None
    if category in DATE_CATEGORIES:
        if category == "Expiration Date" and answer.lower().startswith("perpetual"):
            return ["perpetual"]
        found = gold_date(answer)
        if found is not None and category == "Expiration Date" and found.year < _TWO_DIGIT_YEAR_SLIP:
            found = found.replace(year=found.year + 100)
        return [found.isoformat()] if found else None
    if category in DURATION_CATEGORIES:
        if answer.lower().startswith("perpetual"):
            return ["perpetual"]
        durations = gold_durations(answer)
        return durations or None
    if category == "Governing Law":
        return sorted(jurisdiction_names(answer)) or None
    return None


def _one_day_apart(predicted: str, accepted: list[str]) -> bool:
    try:
        day = date.fromisoformat(predicted)
    except ValueError:
        return False  # "perpetual", "undetermined"
    return any(value[:1].isdigit() and abs((day - date.fromisoformat(value)).days) == 1 for value in accepted)


def value_matches(category: str, predicted: str | None, accepted: list[str], one_day_tolerance: bool = False) -> bool:
    if predicted is None:
        return False
    if category == "Expiration Date" and one_day_tolerance and _one_day_apart(predicted, accepted):
        return True
    if category in DURATION_CATEGORIES:
        return any(same_length(predicted, value) for value in accepted)
    if category == "Governing Law":
        return bool(jurisdiction_names(predicted) & set(accepted))
    return predicted in accepted


# --- running ------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    contract: str
    category: str
    predicted: bool
    gold: bool
    spans: list[tuple[int, int]]
    gold_spans: list[tuple[int, int]]
    value: str | None
    display: str | None
    gold_answer: str
    comparable: list[str] | None
    value_correct: bool | None


def evaluate_contract(contract: Contract, one_day_tolerance: bool = False) -> tuple[list[Outcome], float, int]:
    text = contract.path.read_text(encoding="utf-8")
    started = time.perf_counter()
    result: ContractAnalysis = analyse(text)
    elapsed = time.perf_counter() - started
    outcomes: list[Outcome] = []
    for category, kind in CATEGORIES.items():
        terms = [term for term in result.terms if term.kind == kind]
        pieces = gold_pieces(contract.row, category)
        answer = contract.row.get(f"{category}-Answer", "")
        comparable = gold_value(category, answer)
        value = terms[0].value if terms else None
        outcomes.append(
            Outcome(
                contract=contract.name,
                category=category,
                predicted=bool(terms),
                gold=bool(pieces),
                spans=[(t.citation.start, t.citation.end) for t in terms],
                gold_spans=locate(text, pieces),
                value=value,
                display=terms[0].display if terms else None,
                gold_answer=answer,
                comparable=comparable,
                value_correct=(
                    value_matches(category, value, comparable, one_day_tolerance) if comparable is not None else None
                ),
            )
        )
    return outcomes, elapsed, len(text)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    span_predicted: int = 0
    span_predicted_hit: int = 0
    span_gold: int = 0
    span_gold_hit: int = 0
    value_n: int = 0
    value_ok: int = 0
    contracts: set[str] = field(default_factory=set)

    def add(self, outcome: Outcome) -> None:
        self.contracts.add(outcome.contract)
        if outcome.predicted and outcome.gold:
            self.tp += 1
        elif outcome.predicted:
            self.fp += 1
        elif outcome.gold:
            self.fn += 1
        else:
            self.tn += 1

        def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
            return a[0] < b[1] and b[0] < a[1]

        self.span_predicted += len(outcome.spans)
        self.span_predicted_hit += sum(any(overlaps(p, g) for g in outcome.gold_spans) for p in outcome.spans)
        self.span_gold += len(outcome.gold_spans)
        self.span_gold_hit += sum(any(overlaps(g, p) for p in outcome.spans) for g in outcome.gold_spans)
        if outcome.value_correct is not None:
            self.value_n += 1
            self.value_ok += int(outcome.value_correct)


@dataclass(frozen=True)
class Scores:
    f1: float
    value: float | None  # None when no contract has a comparable gold value


def scores(tally: Tally) -> Scores:
    precision = tally.tp / (tally.tp + tally.fp) if tally.tp + tally.fp else 0.0
    recall = tally.tp / (tally.tp + tally.fn) if tally.tp + tally.fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(f1=f1, value=tally.value_ok / tally.value_n if tally.value_n else None)


def tallies_by_category(outcomes: Iterable[Outcome]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {category: Tally() for category in CATEGORIES}
    for outcome in outcomes:
        tallies[outcome.category].add(outcome)
    return tallies


def print_folds(outcomes: list[Outcome], folds: int) -> None:
    """Mean and worst fold of F1 and value accuracy per category over `folds` hash folds."""
    per_fold = [tallies_by_category(o for o in outcomes if fold_of(o.contract, folds) == k) for k in range(folds)]
    sizes = [len({o.contract for o in outcomes if fold_of(o.contract, folds) == k}) for k in range(folds)]
    print(f"\n{folds}-fold cross-validation (fold = sha256(file name) % {folds}; contracts per fold {sizes})")
    header = f"{'category':<36} {'F1 mean':>8} {'F1 worst':>9}   {'value mean':>10} {'value worst':>11}"
    print(header)
    print("-" * len(header))
    for category in CATEGORIES:
        fold_scores = [scores(fold[category]) for fold in per_fold]
        f1s = [score.f1 for score in fold_scores]
        values = [score.value for score in fold_scores if score.value is not None]
        value_mean = f"{sum(values) / len(values):10.3f}" if values else f"{'n/a':>10}"
        value_worst = f"{min(values):11.3f}" if values else f"{'n/a':>11}"
        print(f"{category:<36} {sum(f1s) / len(f1s):8.3f} {min(f1s):9.3f}   {value_mean} {value_worst}")


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f}" if denominator else "  n/a"


def print_table(title: str, outcomes: list[Outcome]) -> None:
    tallies = tallies_by_category(outcomes)
    contracts = len({o.contract for o in outcomes})
    print(f"\n{title}: {contracts} contracts")
    header = (
        f"{'category':<36} {'gold':>4} {'pred':>4} {'P':>6} {'R':>6} {'F1':>6}   "
        f"{'spanP':>6} {'spanR':>6}   {'value':>6} {'n':>4}"
    )
    print(header)
    print("-" * len(header))
    for category, tally in tallies.items():
        precision = tally.tp / (tally.tp + tally.fp) if tally.tp + tally.fp else 0.0
        recall = tally.tp / (tally.tp + tally.fn) if tally.tp + tally.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            f"{category:<36} {tally.tp + tally.fn:>4} {tally.tp + tally.fp:>4} "
            f"{precision:>6.3f} {recall:>6.3f} {f1:>6.3f}   "
            f"{_ratio(tally.span_predicted_hit, tally.span_predicted):>6} "
            f"{_ratio(tally.span_gold_hit, tally.span_gold):>6}   "
            f"{_ratio(tally.value_ok, tally.value_n):>6} {tally.value_n:>4}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="CUAD-layout folder")
    parser.add_argument("--out", type=Path, required=True, help="predictions, one JSON line per (file, category)")
    parser.add_argument("--holdout", action="store_true", help="also print the development and held-out fifths")
    parser.add_argument("--folds", type=int, default=0, help="also print K-fold cross-validation (e.g. 5)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--errors", type=Path, help="write value/presence mismatches here (for development)")
    parser.add_argument(
        "--one-day-tolerance", action="store_true", help="an expiration date one day off the answer counts as right"
    )
    args = parser.parse_args(argv)

    contracts = load_contracts(args.data)
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    analysis_seconds = 0.0
    characters = 0
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        evaluate = partial(evaluate_contract, one_day_tolerance=args.one_day_tolerance)
        for contract_outcomes, seconds, size in pool.map(evaluate, contracts, chunksize=4):
            outcomes.extend(contract_outcomes)
            analysis_seconds += seconds
            characters += size
    wall = time.perf_counter() - started

    with args.out.open("w", encoding="utf-8") as handle:
        for outcome in outcomes:
            record = {
                "file": outcome.contract,
                "category": outcome.category,
                "kind": CATEGORIES[outcome.category].value,
                "spans": [list(span) for span in outcome.spans],
                "value": outcome.value,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.errors:
        with args.errors.open("w", encoding="utf-8") as handle:
            for outcome in outcomes:
                if outcome.predicted != outcome.gold or outcome.value_correct is False:
                    handle.write(json.dumps(outcome.__dict__, ensure_ascii=False, default=str) + "\n")

    print(
        "P/R/F1: document level (clause present or not); spanP/spanR: predicted spans overlapping a labelled piece /"
        " labelled pieces overlapped; value: comparable gold answers matched (a missing prediction is wrong), n of them"
    )
    print_table("All contracts", outcomes)
    if args.holdout:
        print_table("Development part (4/5)", [o for o in outcomes if not in_holdout(o.contract)])
        print_table("Held-out fifth (1/5)", [o for o in outcomes if in_holdout(o.contract)])
    if args.folds > 1:
        print_folds(outcomes, args.folds)
    print(
        f"\nanalysed {len(contracts)} contracts, {characters:,} characters: {analysis_seconds:.1f} s of analysis "
        f"({characters / analysis_seconds / 1e6:.2f} M chars/s per worker), "
        f"{wall:.1f} s wall with {args.workers} workers"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
