"""Score a draft against a hand encoding of the same document, and list what the hand encoding lacks.

A relation is matched by its total's source line and digits and its parts' source lines and
digits (as a multiset); how it is expressed (a split, a table, a ``relations:`` entry) does
not matter. Figures are matched by line, digits and unit.

- figure recall: hand figures the draft also states (same line, digits, unit);
- relation recall: hand relations the draft also states (a repeat matches either way round);
- discrepancy recall: hand relations that fail (mismatch) for which the draft has a failing
  relation with the same total (line and digits), a restatement either way round;
- false alarms: failing drafted relations whose total is in no failing hand relation, per
  100 drafted relations;
- seconds: reading, extracting, relating and writing the draft (not loading it back).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fundaudit.findings import Relation, Verdict
from fundaudit.judge import verdict
from fundaudit.model import Budget, Figure
from fundaudit.rules import REGISTRY
from fundaudit.tolerance import DEFAULT

RelKey = tuple[tuple[int, str], tuple[tuple[int, str], ...]]


def _fkey(f: Figure) -> tuple[int, str]:
    return (f.source.line, f.value.text())


def rel_key(rel: Relation) -> RelKey:
    """Total and parts by line and digits; a repeat is symmetric (either figure may be the total)."""
    if rel.rule == "repeat":
        a, b = sorted((_fkey(rel.total), _fkey(rel.parts[0])))
        return (a, (b,))
    return (_fkey(rel.total), tuple(sorted(_fkey(p) for p in rel.parts)))


def relations(budget: Budget, source: str) -> list[tuple[Relation, bool]]:
    """Every derived relation of the document ``source`` with whether it fails (mismatch)."""
    out = []
    for rule in REGISTRY:
        for rel in rule.derive(budget):
            if rel.total.source.file != source or rel.rule == "cross-document":
                continue
            out.append((rel, verdict(rel, DEFAULT) == Verdict.MISMATCH))
    return out


@dataclass(frozen=True)
class Score:
    source: str
    lines: int
    figures_hand: int
    figures_found: int
    relations_hand: int
    relations_found: int
    relations_drafted: int
    mismatches_hand: int
    mismatches_found: int
    failing_drafted: int
    false_alarms: int
    seconds: float
    missed_relations: tuple[Relation, ...] = ()
    missed_mismatches: tuple[Relation, ...] = ()  # failing hand relations the draft does not flag
    false_alarms_found: tuple[Relation, ...] = ()  # failing drafted relations counted as false alarms

    @staticmethod
    def pct(a: int, b: int) -> str:
        return "-" if b == 0 else f"{100 * a / b:.1f}"

    def row(self) -> list[str]:
        return [
            self.source,
            str(self.lines),
            f"{self.figures_found}/{self.figures_hand} ({self.pct(self.figures_found, self.figures_hand)} %)",
            f"{self.relations_found}/{self.relations_hand} ({self.pct(self.relations_found, self.relations_hand)} %)",
            f"{self.mismatches_found}/{self.mismatches_hand} "
            f"({self.pct(self.mismatches_found, self.mismatches_hand)} %)",
            f"{self.false_alarms} in {self.relations_drafted} "
            f"({self.pct(self.false_alarms, self.relations_drafted)} per 100)",
            f"{self.seconds:.2f}",
        ]


HEADERS = ["source", "lines", "figure recall", "relation recall", "discrepancy recall", "false alarms", "seconds"]


def score(path: Path, hand: Budget) -> Score:
    """Draft ``path`` alone (no hand data read while drafting) and compare with ``hand``."""
    import tempfile

    from fundaudit.draft.build import write_draft
    from fundaudit.loader import load

    with tempfile.TemporaryDirectory(prefix="fundaudit-score-") as tmp:
        start = time.perf_counter()
        written = write_draft(path, Path(tmp))
        seconds = time.perf_counter() - start
        drafted = load(written.entry)
    source = path.name
    hand_figs = Counter((f.source.line, f.value.text(), f.unit.text) for f in hand.figures if f.source.file == source)
    draft_figs = Counter((f.source.line, f.value.text(), f.unit.text) for f in drafted.figures)
    found = sum(min(n, draft_figs[k]) for k, n in hand_figs.items())
    hrels = relations(hand, source)
    drels = relations(drafted, source)
    dkeys = Counter(rel_key(r) for r, _ in drels)
    hkeys_seen: Counter[RelKey] = Counter()
    matched = 0
    missed = []
    for r, _ in hrels:
        k = rel_key(r)
        hkeys_seen[k] += 1
        if hkeys_seen[k] <= dkeys[k]:
            matched += 1
        else:
            missed.append(r)
    failing_totals = {_fkey(r.total) for r, bad in drels if bad}
    # a failing restatement (one part) is found either way round: 3.82 against 3.8277 or back
    failing_pairs = {frozenset((_fkey(r.total), _fkey(r.parts[0]))) for r, bad in drels if bad and len(r.parts) == 1}
    hand_bad = [r for r, bad in hrels if bad]
    missed_bad = [
        r
        for r in hand_bad
        if not (
            _fkey(r.total) in failing_totals
            or (len(r.parts) == 1 and frozenset((_fkey(r.total), _fkey(r.parts[0]))) in failing_pairs)
        )
    ]
    found_bad = len(hand_bad) - len(missed_bad)
    hand_bad_figs = {_fkey(f) for r in hand_bad for f in (r.total, *r.parts)}
    alarms = [r for r, bad in drels if bad and _fkey(r.total) not in hand_bad_figs]
    false = len(alarms)
    n_lines = path.read_text(encoding="utf-8", errors="replace").count("\n") + 1
    return Score(
        source,
        n_lines,
        sum(hand_figs.values()),
        found,
        len(hrels),
        matched,
        len(drels),
        len(hand_bad),
        found_bad,
        sum(1 for _, bad in drels if bad),
        false,
        seconds,
        tuple(missed),
        tuple(missed_bad),
        tuple(alarms),
    )


@dataclass(frozen=True)
class Lacking:
    """What a draft states that the hand encoding of the same document lacks, and what differs."""

    figures: tuple[Figure, ...]
    relations: tuple[Relation, ...]
    differs: tuple[tuple[int, str, str], ...]  # (line, draft figure, hand figure): same digits, other unit


def lacking(drafted: Budget, hand: Budget, source: str) -> Lacking:
    hand_figs = Counter((f.source.line, f.value.text(), f.unit.text) for f in hand.figures if f.source.file == source)
    hand_digits = {(f.source.line, f.value.text()): f.unit.text for f in hand.figures if f.source.file == source}
    figs: list[Figure] = []
    differs: list[tuple[int, str, str]] = []
    for f in drafted.figures:
        k = (f.source.line, f.value.text(), f.unit.text)
        if hand_figs[k] > 0:
            hand_figs[k] -= 1
        elif k[:2] in hand_digits:
            differs.append((k[0], f.text, f"{k[1]} {hand_digits[k[:2]]}"))
        else:
            figs.append(f)
    hkeys = Counter(rel_key(r) for r, _ in relations(hand, source))
    rels = []
    for r, _ in relations(drafted, source):
        rk = rel_key(r)
        if hkeys[rk] > 0:
            hkeys[rk] -= 1
        else:
            rels.append(r)
    return Lacking(tuple(figs), tuple(rels), tuple(differs))
