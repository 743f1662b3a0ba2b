"""repeats — a figure stated again in the same part of the document (text and its 附件 table).

Within one top-level part (a 专项 title, or the whole document when it has none), figures and
table cells of one dimension and the same exact amount (``19.63 亿元`` and ``196300 万元``
are one amount) on different lines are one figure stated twice: an ``equal`` relation from
the first statement to each later one. Zero, cells of one table, and figures on one line
are not linked; an amount with fewer than three significant digits (``2 万亩``) is linked
only when the two labels share a two-character word. A figure written with fewer decimals
(``5.08 万人``, at least one decimal and two significant digits) is the same as one that
rounds to it (``5.0833 万人``) when the labels share a two-character word.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import amount, dimension, unit_ok
from fundaudit.draft.model import Block, Claim, Fig, Heading, Outline, TableDraft, is_number

Point = tuple[Fig, int]  # a figure and the table it is a cell of (-1 for running text)


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Outline):
        return
    groups: dict[tuple[int, str, Decimal], list[Point]] = defaultdict(list)
    rounded: dict[tuple[int, str, Decimal, int], list[Point]] = defaultdict(list)
    for figs in ctx.figs.values():
        for f in figs:
            _add(groups, rounded, block, f, -1)
    for t_index, t in enumerate(ctx.tables):
        for f in cells(t):
            _add(groups, rounded, block, f, t_index)
    linked: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for key, points in groups.items():
        points.sort(key=lambda p: (p[0].line, p[0].column))
        head, head_table = points[0]
        parts = tuple(
            f
            for f, table in points[1:]
            if f.line != head.line
            and not (table >= 0 and table == head_table)
            and (_significant(head.value) >= 3 or _share_word(head.label, f.label))
        )
        if parts:
            linked.update((head.key, f.key) for f in parts)
            yield Claim("equal", "repeats", head, parts, (), head.label, "", head.block)
        # the same amount written with fewer digits elsewhere (5.0833 万人 and 5.08 万人)
        for f, table in points:
            decimals = len(f.value.partition(".")[2])
            if decimals == 0 or _significant(f.value) < 2:
                continue
            for g, g_table in rounded.get((*key, decimals), ()):
                if g.line == f.line or (table >= 0 and table == g_table) or (g.key, f.key) in linked:
                    continue
                if _share_word(g.label, f.label):
                    linked.add((g.key, f.key))
                    yield Claim("equal", "repeats", g, (f,), (), g.label, "rounded", g.block)


def cells(table: TableDraft) -> list[Fig]:
    """A table's numeric cells as figures (column ``-(j + 1)``: the j-th column), with their units."""
    out = []
    for row in table.rows:
        for j, (col, text) in enumerate(zip(table.columns, row.cells, strict=True)):
            unit = col.unit or row.unit or table.unit
            if unit and "{row}" in unit:
                unit = unit.replace("{row}", row.unit) if row.unit else None
            if unit and is_number(text) and unit_ok(unit):
                out.append(Fig(text, unit, row.line, -(j + 1), f"{row.label} {col.name}", None, table.block))
    return out


def _add(
    groups: dict[tuple[int, str, Decimal], list[Point]],
    rounded: dict[tuple[int, str, Decimal, int], list[Point]],
    outline: Outline,
    f: Fig,
    table: int,
) -> None:
    value = amount(f.value, f.unit)
    if value == 0:
        return
    part = _part(outline, f.block)
    dim = dimension(f.unit)
    groups[(part, dim, value.normalize())].append((f, table))
    decimals = len(f.value.partition(".")[2])
    scale = amount("1", f.unit)
    for k in range(decimals):  # the amount as it reads with k decimals
        shorter = (Decimal(f.value).quantize(Decimal(1).scaleb(-k), rounding=ROUND_HALF_UP) * scale).normalize()
        if shorter != 0 and shorter != value.normalize():
            rounded[(part, dim, shorter, k)].append((f, table))


def _part(outline: Outline, block: int) -> int:
    """The 专项 (level-0 heading) a block belongs to; the whole document (-1) when it has none."""
    chain = outline.chain[block] if block >= 0 else ()
    first = outline.blocks[chain[0]] if chain else outline.blocks[block] if block >= 0 else None
    if isinstance(first, Heading) and first.level == 0:
        return chain[0] if chain else block
    return -1


def _significant(digits: str) -> int:
    return len(digits.replace(".", "").strip("0"))


def _share_word(a: str, b: str) -> bool:
    words = {a[i : i + 2] for i in range(len(a) - 1)}
    return any(b[i : i + 2] in words for i in range(len(b) - 1) if "\u4e00" <= b[i] <= "\u9fff")


EXTRACTOR = Extractor(
    "repeats",
    "Figures stated twice",
    frozenset({"document"}),
    frozenset({"figure", "table"}),
    frozenset({"equal"}),
    extract,
    __doc__ or "",
)
