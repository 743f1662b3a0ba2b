"""table_cost — a rate in the text times its head counts is the amount a table states.

``按照每生每年 2000 元的标准，为 2.28 万名学生发放助学金。其中：东区 0.44 万名，……`` and a
附件 table with a row of 4560 (全县) and 880 (东区) …: a rate (``每户``/``每人``/``每生`` before a
money figure, or a unit such as 元/人) and the counts in its word after it in the same
paragraph (up to the next rate) are products whose amounts stand in one table row of the
same part of the document. The row chosen is the one where most of the counts' products
are cells, exactly; at least two must be, so that a single coincidence is not a claim.
Each product found is a ``product`` claim: cell = rate × count. A count between two whose
products were found, whose own product is no cell, takes the one cell of that row between
theirs with a column named like theirs (中乡合计 between 东乡合计 and 西乡合计): the amount the
table states for it, which the check then finds does not match.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import amount, dimension, unit_ok
from fundaudit.draft.extract.repeats import _part, cells
from fundaudit.draft.extract.unit_cost import _PER
from fundaudit.draft.model import Block, Claim, Fig, Outline, Paragraph

_PERSON = {"生": "人", "名": "人", "人": "人"}  # 每生 / 每名: a person


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Outline):
        return
    rows: dict[int, dict[int, list[Fig]]] = {}  # part -> row line -> money cells
    for t in ctx.tables:
        for f in cells(t):
            if dimension(f.unit) == "money":
                rows.setdefault(_part(block, t.block), {}).setdefault(f.line, []).append(f)
    for b, figs in sorted(ctx.figs.items()):
        para = block.blocks[b] if b >= 0 else None
        if not isinstance(para, Paragraph):
            continue
        candidates = rows.get(_part(block, b), {})
        if not candidates:
            continue
        figs = [f for f in figs if f.offset >= 0]
        rates = [(k, f, w) for k, f in enumerate(figs) if (w := _word(para.text, f)) is not None]
        for n, (k, rate, word) in enumerate(rates):
            end = rates[n + 1][0] if n + 1 < len(rates) else len(figs)
            counts = [f for f in figs[k + 1 : end] if _counts(f.unit, word)]
            if not counts:
                continue
            money = rate.unit.split("/")[0]
            products = [amount(rate.value, money) * amount(c.value, c.unit) for c in counts]
            best: list[tuple[Fig, Fig]] = []
            row: list[Fig] = []
            for line_cells in candidates.values():
                found = _match(products, counts, line_cells)
                if len(found) > len(best):
                    best, row = found, line_cells
            if len(best) < 2:
                continue
            best += _between(best, counts, row)
            per = "" if "/" in rate.unit else word  # the figure keeps its unit; the relation reads it per 人
            for cell, count in best:
                yield Claim("product", "table_cost", cell, (rate, count), ("rate", "quantity"), cell.label, "", b, per)


def _between(found: list[tuple[Fig, Fig]], counts: list[Fig], row: list[Fig]) -> list[tuple[Fig, Fig]]:
    """A count whose product is no cell, between two counts whose products are: the one cell of
    the row between their cells whose column is named like theirs (东乡合计 … 西乡合计): the
    amount the table states for it, which the check then finds does not match."""
    at = {count.key: -cell.column - 1 for cell, count in found}  # count -> its cell's column
    order = [k for k, c in enumerate(counts) if c.key in at]
    if [at[counts[k].key] for k in order] != sorted(at[counts[k].key] for k in order):
        return []  # the cells do not stand in the counts' order
    ends = {cell.label.split(" ")[-1][-2:] for cell, _ in found}
    out = []
    for left, right in pairwise(order):
        if right - left != 2:
            continue
        lo, hi = at[counts[left].key], at[counts[right].key]
        between = [c for c in row if lo < -c.column - 1 < hi and c.label.split(" ")[-1][-2:] in ends]
        if len(ends) == 1 and len(between) == 1:
            out.append((between[0], counts[left + 1]))
    return out


def _word(text: str, fig: Fig) -> str | None:
    """The counting word of a rate (户 for 每户补助 5200 元); a student (每生) or 名 is a person."""
    money = fig.unit.split("/")[0]
    if dimension(money) != "money":
        return None
    if "/" in fig.unit:
        word: str | None = fig.unit.split("/", 1)[1]
    else:
        before = re.split(r"[，,。；;]", text[max(0, fig.offset - 14) : fig.offset])[-1].replace(" ", "")
        m = _PER.search(before)
        word = m.group(1) if m else None
    word = _PERSON.get(word, word) if word else None
    return word if word and unit_ok(f"{money}/{word}") else None


def _counts(unit: str, word: str) -> bool:
    """A count in the rate's word (人 counts 名 and 万名 too)."""
    base = unit[1:] if unit.startswith("万") else unit
    return base == word or (word == "人" and base in ("人", "名"))


def _match(products: list[Decimal], counts: list[Fig], line_cells: list[Fig]) -> list[tuple[Fig, Fig]]:
    out = []
    free = list(line_cells)
    for product, count in zip(products, counts, strict=True):
        cell = next((c for c in free if amount(c.value, c.unit) == product), None)
        if cell is not None:
            out.append((cell, count))
            free.remove(cell)
    return out


EXTRACTOR = Extractor(
    "table_cost",
    "Rates in the text × head counts = amounts in a table",
    frozenset({"document"}),
    frozenset({"figure", "table"}),
    frozenset({"product"}),
    extract,
    __doc__ or "",
)
