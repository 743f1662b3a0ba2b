"""Draft each of the five seed documents alone and compare it with the hand encoding in data/.

Prints one row per document (figure recall, relation recall, discrepancy recall, false
alarms, seconds to draft) and the totals; see fundaudit/draft/score.py for the definitions.
``--misses`` then lists each hand-found mismatch the draft does not flag and each false
alarm, with the source lines they cite (the reviewer's to-do list for a new pattern).

    FUNDAUDIT_SOURCES=../shared/seeds python benchmarks/draft_score.py [data/budgets.yaml] [--misses]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tabulate import tabulate

from fundaudit.draft.score import HEADERS, Score, score
from fundaudit.findings import Relation
from fundaudit.loader import load


def _cited(rel: Relation, lines: list[str]) -> list[str]:
    """The relation as total <- parts, then each source line it cites (cut to 150 characters)."""
    parts = ", ".join(f"{p.value.text()} {p.unit.text} @{p.source.line}" for p in rel.parts)
    head = f"  {rel.rule}: {rel.total.value.text()} {rel.total.unit.text} @{rel.total.source.line} <- {parts}"
    cited = sorted({rel.total.source.line, *(p.source.line for p in rel.parts)})
    return [head] + [f"      {n}: {lines[n - 1][:150]}" for n in cited if 0 < n <= len(lines)]


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--misses"]
    data = Path(args[0] if args else "data/budgets.yaml")
    sources = Path(os.environ.get("FUNDAUDIT_SOURCES", "../shared/seeds"))
    hand = load(data)
    scores = [score(sources / doc.source, hand) for doc in hand.documents]
    rows = [s.row() for s in scores]
    total = Score(
        "all",
        sum(s.lines for s in scores),
        sum(s.figures_hand for s in scores),
        sum(s.figures_found for s in scores),
        sum(s.relations_hand for s in scores),
        sum(s.relations_found for s in scores),
        sum(s.relations_drafted for s in scores),
        sum(s.mismatches_hand for s in scores),
        sum(s.mismatches_found for s in scores),
        sum(s.failing_drafted for s in scores),
        sum(s.false_alarms for s in scores),
        sum(s.seconds for s in scores),
    )
    rows.append(total.row())
    print(tabulate(rows, headers=HEADERS, disable_numparse=True, tablefmt="github"))
    if "--misses" not in sys.argv[1:]:
        return
    for s in scores:
        text = (sources / s.source).read_text(encoding="utf-8", errors="replace").split("\n")
        for title, rels in (
            ("hand-found mismatches not flagged", s.missed_mismatches),
            ("false alarms", s.false_alarms_found),
        ):
            if rels:
                print(f"\n{s.source}: {title} ({len(rels)})")
                for rel in rels:
                    print("\n".join(_cited(rel, text)))


if __name__ == "__main__":
    main()
