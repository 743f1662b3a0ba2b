"""table_periods — a target in the text is the sum of its years in a table's total row.

``实现 2.35 万贫困人口全部脱贫、48 个贫困村全部退出的目标`` and a table by years
(``2018 年`` over ``减贫人数（万人）`` and ``贫困村退出（个）``, the same under ``2019 年``) whose
total row (``合计``, or the whole area) reads ``1.25 25 1.0 23``: each
figure of the sentence is the sum of its unit's cells in that row, one cell per year (of the
column whose name shares the most words with the figure's, when a year has several of its
unit). The sentence and the table are read as one schedule only when at least one of its
figures adds up exactly (48 = 25 + 23); the others are then claimed too, so that a
target the years do not make up (2.35 against 2.25) is reported. When several
sentences state the target, the one whose words are most those of the columns
(``48 个贫困村全部退出`` against ``贫困村退出``) is read, not the baseline (``贫困村 48 个``); a
sentence with two figures of one unit is not read (which is the target is not said). Two
years or more, in one part of the document.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import SENTENCE_END, amount, sentences
from fundaudit.draft.extract.repeats import _context, _overlap, _part, cells
from fundaudit.draft.model import Block, Claim, Fig, Outline, Paragraph, TableDraft

_PERIOD = re.compile(r"^\s*((?:19|20)\d\d)\s*年")


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Outline):
        return
    schedules = [s for t in ctx.tables if (s := _schedule(t))]  # (table, its total row's cells by year)
    if not schedules:
        return
    used = ctx.used()
    best: dict[int, tuple[int, list[Claim]]] = {}  # table -> (words in common, the sentence's claims)
    for where, figs in sorted(ctx.figs.items()):
        paragraph = block.blocks[where] if 0 <= where < len(block.blocks) else None
        if not isinstance(paragraph, Paragraph):
            continue
        part = _part(block, where)
        for sentence in sentences(paragraph.text, [f for f in figs if f.offset >= 0], SENTENCE_END):
            for k, (table, periods) in enumerate(schedules):
                if _part(block, table.block) != part:
                    continue
                found = [(f, got) for f in sentence if f.key not in used and (got := _cells(block, f, periods))]
                if len({f.unit for f, _ in found}) < len(found):
                    continue  # two figures of one unit: which is the target is not said
                exact = [(f, got) for f, got in found if _adds_up(f, got)]
                if not exact:
                    continue
                score = max(_overlap(_context(block, f), got[0][1].label) for f, got in exact)
                if k in best and best[k][0] >= score:
                    continue  # the target is stated where its words are those of the table's columns
                names = [tuple(p for p, _ in got) for _, got in found]
                best[k] = (
                    score,
                    [
                        Claim("sum", "table_periods", f, tuple(c for _, c in got), n, f.label, "", where)
                        for (f, got), n in zip(found, names, strict=True)
                    ],
                )
    for _, claims in best.values():
        yield from claims


def _schedule(table: TableDraft) -> tuple[TableDraft, dict[str, list[Fig]]] | None:
    """A table whose columns are grouped by year and its total row's cells by year (or None)."""
    total = next((r for r in table.rows if r.role == "total"), None)
    if total is None:
        return None
    by_year: dict[str, list[Fig]] = defaultdict(list)
    for f in cells(table):
        column = table.columns[-f.column - 1]
        m = _PERIOD.match(column.parent or "")
        if f.line == total.line and m:
            by_year[m.group(1)].append(f)
    if len(by_year) < _YEARS:
        return None
    return table, dict(by_year)


def _cells(outline: Outline, f: Fig, periods: dict[str, list[Fig]]) -> list[tuple[str, Fig]]:
    """The cell of each year in the figure's unit (the one named most like it, when several)."""
    out = []
    for year, row in sorted(periods.items()):
        same = [c for c in row if c.unit == f.unit]
        if len(same) > 1:
            words = _context(outline, f)
            scored = sorted(same, key=lambda c: -_overlap(words, c.label))
            if _overlap(words, scored[0].label) == 0 or _overlap(words, scored[1].label) == _overlap(
                words, scored[0].label
            ):
                return []  # no column of that unit is named like the figure
            same = scored[:1]
        if same:
            out.append((year, same[0]))
    return out if len(out) >= _YEARS else []


def _adds_up(f: Fig, got: list[tuple[str, Fig]]) -> bool:
    return amount(f.value, f.unit) == sum((amount(c.value, c.unit) for _, c in got), Decimal(0))


_YEARS = 2  # periods a schedule needs

EXTRACTOR = Extractor(
    "table_periods",
    "A target = its years in a table's total row",
    frozenset({"document"}),
    frozenset({"figure", "table"}),
    frozenset({"sum"}),
    extract,
    __doc__ or "",
)
