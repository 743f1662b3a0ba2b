"""Draft each of the five seed documents alone and compare it with the hand encoding in data/.

Prints one row per document (figure recall, relation recall, discrepancy recall, false
alarms, seconds to draft) and the totals; see fundaudit/draft/score.py for the definitions.

    FUNDAUDIT_SOURCES=../shared/seeds python benchmarks/draft_score.py [data/budgets.yaml]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tabulate import tabulate

from fundaudit.draft.score import HEADERS, Score, score
from fundaudit.loader import load


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "data/budgets.yaml")
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


if __name__ == "__main__":
    main()
