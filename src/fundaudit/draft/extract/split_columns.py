"""split_columns — a split of the text against the finer columns of its row in a table.

``计划落实资金 5230 万元，其中中央省级资金 3100 万元，县级资金 1800 万元，其他资金 330 万元`` and
the 附件 row ``饮水工程 5230.4 2000 1100 1800 200 130.4``: the row whose first amount is the
text's total (the same amount, or one the total rounds) states the parts with finer
columns. Its other amounts (an empty column is none), in order, are cut into as many runs
as the text has parts, each run adding up to its part (the same amount, or one the part
rounds): 3100 = 2000 + 1100, 1800 = 1800, 330 ≈ 200 + 130.4. One run may disagree, by 1 %
of its part at most (a slip the check then reports), when every other run agrees. A part is
then claimed as the sum of its run (``sum``), or the same as its one cell (``equal``,
unless already linked). A 其中 that names only some parts (``计划落实资金 860 万元，其中中央省级资金
610 万元`` against ``860.5 400 210 250.5``) is cut over the first of the row's amounts, all
agreeing. Money only, the row in the same part of the document; a row is read for one split
only.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import amount, dimension
from fundaudit.draft.extract.repeats import _part, cells
from fundaudit.draft.model import Block, Claim, Fig, Outline

_MAX_CELLS = 12  # amounts of a row a split is cut over (the cuts tried grow fast with them)


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Outline):
        return
    rows: dict[tuple[int, Decimal], list[list[Fig]]] = defaultdict(list)  # (part, first amount) -> rows
    for table in ctx.tables:
        by_line: dict[int, list[Fig]] = defaultdict(list)
        for f in cells(table):
            if dimension(f.unit) == "money" and amount(f.value, f.unit) != 0:  # an empty column is no part
                by_line[f.line].append(f)
        for row in by_line.values():
            if 3 <= len(row) <= _MAX_CELLS + 1:
                rows[(_part(block, table.block), _rounded(row[0]))].append(row)
    linked = {frozenset((c.total.key, p.key)) for c in ctx.claims if c.kind == "equal" and c.total for p in c.parts}
    read: set[int] = set()
    for claim in list(ctx.claims):
        total = claim.total
        partial = claim.kind == "sum-partial" or claim.why == "partial"  # 其中 names only some parts
        if claim.kind not in ("split", "sum", "sum-partial") or total is None or len(claim.parts) < 2 - partial:
            continue
        if dimension(total.unit) != "money" or claim.block < 0:
            continue
        for row in rows.get((_part(block, claim.block), _rounded(total)), []):
            if row[0].line in read or not _agree(total, [row[0]]):
                continue
            runs = _cut(list(claim.parts), row[1:], partial)
            if runs is None:
                continue
            read.add(row[0].line)
            for part, run in zip(claim.parts, runs, strict=True):
                if len(run) > 1:
                    names = tuple(c.label for c in run)
                    yield Claim("sum", "split_columns", part, tuple(run), names, part.label, "", part.block)
                elif frozenset((part.key, run[0].key)) not in linked:
                    yield Claim("equal", "split_columns", part, (run[0],), (), part.label, "", part.block)
            break


def _rounded(f: Fig) -> Decimal:
    """An amount to two significant digits: a total and the cell it rounds share it."""
    v = amount(f.value, f.unit)
    return v.scaleb(1 - v.adjusted()).quantize(Decimal(1)).scaleb(v.adjusted() - 1) if v else v


def _agree(part: Fig, run: list[Fig]) -> bool:
    """The run adds up to the part, or to an amount the part rounds (to its last digit)."""
    got = sum((amount(c.value, c.unit) for c in run), Decimal(0))
    half = amount("0.5", part.unit).scaleb(-len(part.value.partition(".")[2]))
    return abs(got - amount(part.value, part.unit)) <= half


def _cut(parts: list[Fig], row: list[Fig], partial: bool = False) -> list[list[Fig]] | None:
    """The row's amounts cut into one run per part, in order, every run but one agreeing.

    ``partial``: the parts are the first of the row's (其中 names some), the rest are left.
    """
    if len(row) < len(parts) or len(row) > _MAX_CELLS:
        return None

    def cuts(i: int, start: int, odd: bool) -> list[list[Fig]] | None:
        if i == len(parts):
            return [] if start == len(row) or (partial and not odd) else None
        last = len(row) - (len(parts) - i - 1)
        for end in range(start + 1, last + 1):
            run = row[start:end]
            fits = _agree(parts[i], run)
            if not fits and (odd or not _near(parts[i], run)):
                continue
            rest = cuts(i + 1, end, odd or not fits)
            if rest is not None:
                return [run, *rest]
        return None

    return cuts(0, 0, False)


def _near(part: Fig, run: list[Fig]) -> bool:
    """Within 1 % of the part: a slip of the last digits, not another amount."""
    got = sum((amount(c.value, c.unit) for c in run), Decimal(0))
    want = amount(part.value, part.unit)
    return want > 0 and abs(got - want) * 100 <= want


EXTRACTOR = Extractor(
    "split_columns",
    "A split of the text = runs of its row's finer columns",
    frozenset({"document"}),
    frozenset({"split", "sum", "table", "equal"}),
    frozenset({"sum", "equal"}),
    extract,
    __doc__ or "",
)
