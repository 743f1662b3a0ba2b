"""parallel — a list of figures stated again elsewhere, one of them with other digits.

A paragraph of running text and another paragraph or a table row that state the same list
of figures are read side by side: the figures of each dimension in order, the row (or the
shorter list) laid over the other where most of it agrees. When enough agree (three
different amounts of one list, or two with one of three significant digits or more, or one
of four or more), the statements are one list stated twice, and a figure of the list that
does not agree is the same thing stated with other digits: an ``equal`` relation (note
``restated``) that the check then reports.

``全县 2 个贫困乡、126 个贫困村、4.26 万贫困人口`` and, in another 专项,
``2 个摘帽乡、126 个退出贫困村和 4.2 万脱贫人口``: 2 and 126 agree, so 4.26 and
4.2 万人 are one target. ``其中：甲区 420 人，乙区 380 人，丙县 560 人，丁县 500 人``
against a table row ``0.042 0.038 0.065 0.05`` (万人): three agree, 560 人 and 0.065 万人
are one figure. A figure that rounds the other (``5 亿元`` and ``50180 万元``) agrees too
and is linked (the check says whether the rounding holds), and so does one of the same
amount (``34 个村`` and a row's ``34``, with no word in common), unless the two are linked
already. A figure that disagrees is linked when it is within a factor of two of
the other (or is the one odd figure of a list of three or more that agree), when the list
agrees at least twice as often as it disagrees (or disagrees once where the two statements
agree three times), when the other statement does not state it elsewhere (a list in
another order), and when it is not at an end of the text's list next to cells of the row
the text leaves out (``其他资金 45 万元`` against the cells 30 and 15: a sum, not a
restatement). A dimension with one figure on each side is linked when it stands within
three places of a figure that agrees, in both, and the two share a word (or a unit that
is not a common count). A row whose digits are all those of the text in another unit
(``1.2 万人次 … 0.3 万人次`` and a row ``人次 1.2 0.3``) is one slip of unit: its first
figure is linked, once.

Table rows are not compared with each other (a table's rows relate by sums), percentages
are not compared (too common), sums of money only within one part of the document (a sum
in two 专项 is two budgets), and figures already linked are not linked again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import combinations

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import amount, dimension
from fundaudit.draft.extract.repeats import _context, _overlap, _part, cells
from fundaudit.draft.model import Block, Claim, Fig, Outline, Paragraph


@dataclass(frozen=True)
class _Statement:
    part: int
    figs: tuple[Fig, ...]
    row: bool


# how much agreement makes two statements one list stated twice
_LIST = 3  # figures of one dimension that agree, in order
_PAIR = 2  # figures that agree, one of them with _STRONG significant digits
_STRONG = 3
_ALONE = 4  # one figure that agrees exactly, of this many significant digits
_COMMON = 40  # an amount stated in more statements than this does not make them candidates
_WORK = 20000  # figure pairs one dimension's alignment may weigh
_BESIDE = 3  # places a lone figure may be from a figure both statements share
_COMMON_UNITS = frozenset("个 人 名 户 万人 万元 亿元 元 % 次 万人次 人次".split())


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Outline):
        return
    statements: list[_Statement] = []
    for where, figs in sorted(ctx.figs.items()):
        if 0 <= where < len(block.blocks) and isinstance(block.blocks[where], Paragraph):
            usable = tuple(f for f in sorted(figs, key=lambda f: f.offset) if amount(f.value, f.unit) != 0)
            if usable:
                statements.append(_Statement(_part(block, where), usable, False))
    for table in ctx.tables:
        by_row: dict[int, list[Fig]] = defaultdict(list)
        for f in cells(table):
            if amount(f.value, f.unit) != 0:
                by_row[f.line].append(f)
        for figs in by_row.values():
            statements.append(_Statement(_part(block, table.block), tuple(figs), True))
    linked = {frozenset((c.total.key, p.key)) for c in ctx.claims if c.kind == "equal" and c.total for p in c.parts}
    index_: dict[tuple[str, str, int], set[int]] = defaultdict(set)
    for k, statement in enumerate(statements):
        for f in statement.figs:
            index_[_key(f)].add(k)
            index_[("digits " + dimension(f.unit), _digits(f.value), 0)].add(k)  # the same digits in another unit
    pairs: set[tuple[int, int]] = set()
    for members in index_.values():
        if len(members) <= _COMMON:
            pairs.update(combinations(sorted(members), 2))
    words: dict[tuple[int, int], str] = {}

    def context(f: Fig) -> str:
        if f.key not in words:
            words[f.key] = _context(block, f)
        return words[f.key]

    for i, j in sorted(pairs):
        a, b = statements[i], statements[j]
        if a.row and b.row:
            continue
        for f, g in _restated(a, b, context):
            first, second = sorted((f, g), key=lambda x: (x.line, abs(x.column)))
            pair = frozenset((first.key, second.key))
            if pair in linked or first.line == second.line:
                continue
            linked.add(pair)
            same = amount(first.value, first.unit) == amount(second.value, second.unit)
            why = "" if same else "restated"
            yield Claim("equal", "parallel", first, (second,), (), first.label, why, first.block)


def _key(f: Fig) -> tuple[str, str, int]:
    """A figure's dimension and its amount to two significant digits (a rounding keeps it)."""
    v = amount(f.value, f.unit)
    e = v.adjusted()
    return (dimension(f.unit), str(v.scaleb(1 - e).quantize(Decimal(1), ROUND_HALF_UP)), e)


@cache
def _digits(value: str) -> str:
    return value.replace(".", "").strip("0")


def _significant(digits: str) -> int:
    return len(digits.replace(".", "").strip("0"))


def _half(f: Fig) -> Decimal:
    return _half_of(f.value, f.unit)


@cache
def _half_of(value: str, unit: str) -> Decimal:
    """Half a unit of the last digit written: how far a rounding may be from what it rounds."""
    return amount("0.5", unit).scaleb(-len(value.partition(".")[2]))


def _match(f: Fig, g: Fig) -> str:
    """``exact`` (one amount), ``round`` (one rounds the other), ``digits`` (same digits, other unit), ``differ``."""
    vf, vg = amount(f.value, f.unit), amount(g.value, g.unit)
    if vf == vg:
        return "exact"
    if _digits(f.value) == _digits(g.value):
        return "digits"
    if abs(vf - vg) <= max(_half(f), _half(g)):
        return "round"
    return "differ"


def _anchor(f: Fig, g: Fig, kind: str) -> int:
    """Significant digits an agreeing pair vouches with (0: no agreement, or a rounding too coarse)."""
    if kind == "exact":
        return _significant(f.value)
    if kind == "round":
        n = min(_significant(f.value), _significant(g.value))
        return n if n >= 2 else 0
    return 0


def _restated(a: _Statement, b: _Statement, context: Callable[[Fig], str]) -> list[tuple[Fig, Fig]]:
    """The pairs of figures two statements state differently, when they state one list."""
    across = a.part != b.part
    dims_a: dict[str, list[Fig]] = defaultdict(list)
    dims_b: dict[str, list[Fig]] = defaultdict(list)
    for f in a.figs:
        dims_a[dimension(f.unit)].append(f)
    for f in b.figs:
        dims_b[dimension(f.unit)].append(f)
    anchors: list[int] = []
    anchored: set[tuple[int, int]] = set()
    lists: list[_Window] = []
    singles: list[tuple[Fig, Fig]] = []
    slips: list[tuple[Fig, Fig]] = []
    for dim in sorted(dims_a.keys() & dims_b.keys()):
        if dim == "percent" or (across and dim == "money"):
            continue  # percentages are too common; a sum in two 专项 is two budgets
        xs, ys = dims_a[dim], dims_b[dim]
        if min(len(xs), len(ys)) * (abs(len(xs) - len(ys)) + 1) > _WORK:
            continue  # lists too long to lay over each other: no list a reader would compare
        w = _align(xs, ys, b.row)
        if len(w.pairs) >= _LIST and all(kind == "digits" for _, _, kind in w.pairs):
            slips.append(w.pairs[0][:2])  # one slip of unit for the whole row: linked once
            continue
        if w.marks:
            anchors.extend(w.marks)
            anchored.update(f.key for f, g, kind in w.pairs if kind != "differ" for f in (f, g))
            lists.append(w)
        elif len(xs) == len(ys) == 1 and dim != "money":
            singles.append((xs[0], ys[0]))
    one_list = (
        max((len(w.marks) for w in lists), default=0) >= _LIST
        or (len(anchors) >= _PAIR and max(anchors) >= _STRONG)
        or any(n >= _ALONE for n in anchors)
    )
    out = list(slips)
    if not one_list:
        return out
    said_a = {amount(f.value, f.unit) for f in a.figs}
    said_b = {amount(f.value, f.unit) for f in b.figs}
    for w in lists:
        differ = [(f, g) for f, g, kind in w.pairs if kind == "differ"]
        agree = len(w.marks)
        lone = len(differ) == 1 and (agree >= _LIST or len(anchors) >= _LIST)
        if not lone and agree < 2 * len(differ):
            continue  # most of the list disagrees: not this list
        out.extend((f, g) for f, g, kind in w.pairs if kind == "round")
        # the same amount in both: stated twice (a pair already linked is not linked again)
        out.extend((f, g) for f, g, kind in w.pairs if kind == "exact")
        for f, g in differ:
            if (f, g) in w.edges:
                continue  # next to cells the text does not state: a column the text sums, not restates
            if amount(f.value, f.unit) in said_b or amount(g.value, g.unit) in said_a:
                continue  # the other statement has it elsewhere: the list is in another order
            if (agree >= _LIST and len(differ) == 1) or _near(f, g):
                out.append((f, g))
    if len(anchors) >= _PAIR or any(n >= _ALONE for n in anchors):
        for f, g in singles:
            if not (_near(f, g) and _beside(f, a, anchored) and _beside(g, b, anchored)):
                continue
            if (f.unit == g.unit and f.unit not in _COMMON_UNITS) or _overlap(context(f), context(g)) >= 1:
                out.append((f, g))
    return out


@dataclass(frozen=True)
class _Window:
    pairs: tuple[tuple[Fig, Fig, str], ...]  # (text figure, other figure, how they agree)
    marks: tuple[int, ...]  # significant digits of each agreeing pair
    edges: frozenset[tuple[Fig, Fig]]  # pairs at an end of the window next to cells of the row it leaves out


def _align(xs: list[Fig], ys: list[Fig], row: bool) -> _Window:
    """The shorter list laid over the longer where most of it agrees (the first such place)."""
    flipped = len(ys) > len(xs)
    long, short = (ys, xs) if flipped else (xs, ys)
    best: _Window | None = None
    for s in range(len(long) - len(short) + 1):
        pairs = []
        for k in range(len(short)):
            f, g = (short[k], long[s + k]) if flipped else (long[s + k], short[k])
            pairs.append((f, g, _match(f, g)))
        seen: dict[Decimal, int] = {}  # one amount agreeing many times (2, 2, 2) vouches once
        for f, g, kind in pairs:
            if n := _anchor(f, g, kind):
                seen.setdefault(amount(f.value, f.unit), n)
        marks = tuple(seen.values())
        edges = set()
        if row and flipped:  # the text's list over part of a row: cells it leaves out may be its parts
            if s > 0:
                edges.add(pairs[0][:2])
            if s + len(short) < len(long):
                edges.add(pairs[-1][:2])
        if best is None or len(marks) > len(best.marks):
            best = _Window(tuple(pairs), marks, frozenset(edges))
    assert best is not None
    return best


def _near(f: Fig, g: Fig) -> bool:
    """Within a factor of two: a figure restated with other digits, not another quantity."""
    vf, vg = amount(f.value, f.unit), amount(g.value, g.unit)
    return vf > 0 and vg > 0 and vf <= 2 * vg and vg <= 2 * vf


def _beside(f: Fig, s: _Statement, anchored: set[tuple[int, int]]) -> bool:
    """A figure within a few places of a figure its statement shares with the other."""
    k = s.figs.index(f)
    return any(g.key in anchored for g in s.figs[max(0, k - _BESIDE) : k + _BESIDE + 1])


EXTRACTOR = Extractor(
    "parallel",
    "A list stated twice, one figure with other digits",
    frozenset({"document"}),
    frozenset({"figure", "table", "equal"}),
    frozenset({"equal"}),
    extract,
    __doc__ or "",
)
