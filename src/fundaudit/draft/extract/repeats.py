"""repeats — a figure stated again in the same part of the document (text and its 附件 table).

A count (not money) restated in the running text of another top-level part is linked from
the earlier statement whose words have at least two such words in common with it (every 专项
restates 300 个贫困村退出; the same sum of money in two 专项 is two budgets).

Within one top-level part (a 专项 title, or the whole document when it has none), figures and
table cells of one dimension and the same exact amount (``19.63 亿元`` and ``196300 万元``
are one amount) on different lines are one figure stated twice: an ``equal`` relation from
the earlier statement whose words have most in common with a later one's to that later one
(the first statement when none shares a word). Zero, cells of one table, and figures on one
line are not linked; an amount with fewer than three significant digits (``2 万亩``) is linked
only when the words around the two share a two-character word that is not a common one of
budget texts (完成, 建设, 资金 …): a figure of running text is known by its label, the
sentence before it and the clause after it (``完成 2 万亩茶叶基地``), a cell by its row and
column. A statement of the text that an earlier claim makes a total (of its years, sources
or items: ``实现 2.46 万贫困人口脱贫，其中：2019 年 1.5 万人 …``) defines the amount: the
other statements of it, before or after, are linked to that one; a count defined so in one
part is the one its statements in another part are linked to, when they share two words.

Roundings: a figure written with decimals and fewer digits (``5.08 万人``, ``97.6 亿元``, two
significant digits or more) is the same as one that rounds to it in any unit of its dimension
(``5.0833 万人``, ``976034 万元``) when their words share such a word (two when it has only two
significant digits), or without one when it has three (a percentage always needs one). An
integer of four digits or more is read the same way (``79328 万元`` and ``79328.28 万元``: the
check then says by how much they differ), and so is one that drops the decimals of a figure
(``28734 万元`` and ``28734.56 万元``) when their words share such a word; one of two or three
digits only when it is within 0.5 % of the precise one and its own words (label and the clause
after it) share three with it (``普通干线公路 48 亿元`` and the 附件's ``普通干线公路 480105
万元``: the tolerance takes an integer as exact, so the check reports the rounding; ``212 公里``
of 新开工 roads is not 平昌县's ``211.744 公里``). A decimal figure of three significant digits
within two units of its last digit of a more precise one and with three such words in common is
linked too: a rounding gone wrong, which the check then reports. A figure written in a table's
word cell is known by its label and its row.

Restated differently: a figure of running text and a cell of a total row (全市, 合计, 总投资)
of a table in the same part and dimension whose words have at least three in common are
linked even when they differ (``新增解决 1000 名贫困群众就业`` and the 附件's ``全 市 新增困难群众
就业人数 700``): the check then reports the difference. The closest pairs are taken first,
each figure and cell once. A decimal point slipped: a figure of the text that no other
statement repeats and a cell of its part and dimension that is it times a power of ten (up
to 10⁴, to the text's rounding: ``中央财政补助资金 4.6 亿元`` and the 合计 row's ``4600 万元``),
whose words have two in common, one of them of the figure's own name, are linked too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import CLAUSE_END, SENTENCE_END, amount, dimension, unit_ok
from fundaudit.draft.model import Block, Claim, Fig, Heading, Outline, Paragraph, TableBlock, TableDraft, is_number

Point = tuple[Fig, int]  # a figure and the table it is a cell of (-1 for running text)


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Outline):
        return
    groups: dict[tuple[int, str, Decimal], list[Point]] = defaultdict(list)
    for figs in ctx.figs.values():
        for f in figs:
            _add(groups, block, f, -1)
    for t_index, t in enumerate(ctx.tables):
        for f in cells(t):
            _add(groups, block, f, t_index)
    words: dict[tuple[int, int], str] = {}

    def context(f: Fig) -> str:
        if f.key not in words:
            words[f.key] = _context(block, f)
        return words[f.key]

    linked: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    # a figure of the text that an earlier claim makes a total (of its years, sources, items)
    # is the statement that defines the amount: its other statements repeat it
    defining = {c.total.key for c in ctx.claims if c.total is not None and c.kind in _DEFINING}
    # a count (not money) defined in one part anchors its statements in parts that define none
    anchors: dict[tuple[str, Decimal], Fig] = {}
    for (_, dim, value), points in sorted(groups.items(), key=lambda g: min(p[0].line for p in g[1])):
        first = next((f for f, t in sorted(points, key=lambda p: p[0].line) if t < 0 and f.key in defining), None)
        if first is not None and dim != "money":
            anchors.setdefault((dim, value), first)
    for (_, dim, value), points in groups.items():
        points.sort(key=lambda p: (p[0].line, abs(p[0].column)))
        links: dict[tuple[int, int], list[Fig]] = {}
        heads: dict[tuple[int, int], Fig] = {}
        # earlier statements by table (-1: running text), the first _CANDIDATES of each; of those
        # with the same words only the first (the best match is the first of the most words in
        # common, so the others never are: 10^4 lines alike cost one comparison, not 10^4)
        seen: dict[int, list[Fig]] = defaultdict(list)
        kept: dict[int, int] = defaultdict(int)  # how many of a table's statements were weighed
        kinds: dict[int, set[frozenset[str]]] = defaultdict(set)
        lines: dict[int, list[int]] = defaultdict(list)  # the lines of seen (sorted: the points are)
        anchor = next((f for f, t in points if t < 0 and f.key in defining), None) or anchors.get((dim, value))
        elsewhere = anchor is not None and all(anchor is not g for g, _ in points)  # defined in another part
        for f, table in points:
            # not on f's line: those on it come last (the points are in line order), cut off by bisection
            earlier = [
                g for t, gs in seen.items() if not (t >= 0 and t == table) for g in gs[: bisect_left(lines[t], f.line)]
            ]
            if kept[table] < _CANDIDATES:
                kept[table] += 1
                own_words = _words(context(f))
                if own_words not in kinds[table]:
                    kinds[table].add(own_words)
                    seen[table].append(f)
                    lines[table].append(f.line)
            if anchor is not None and f is not anchor and anchor.line != f.line:
                need = _ACROSS_WORDS if elsewhere else 1
                if (_significant(f.value) >= 3 and not elsewhere) or _overlap(context(anchor), context(f)) >= need:
                    heads[anchor.key] = anchor
                    links.setdefault(anchor.key, []).append(f)
                    continue
            if f is anchor:
                continue  # the other statements link to it
            if not earlier:
                continue
            earlier.sort(key=lambda g: (g.line, abs(g.column)))
            best = max(earlier, key=lambda g: _overlap(context(g), context(f)))
            if _overlap(context(best), context(f)) == 0:
                if _significant(f.value) < 3:
                    continue
                best = earlier[0]  # an amount of three digits or more: the same figure again
            heads[best.key] = best
            links.setdefault(best.key, []).append(f)
        for key, parts in links.items():
            head = heads[key]
            linked.update((head.key, f.key) for f in parts)
            yield Claim("equal", "repeats", head, tuple(parts), (), head.label, "", head.block)
    # across parts (a target every 专项 restates): each part's first statement repeats the
    # earlier statement elsewhere whose words have at least two in common with its own
    across: dict[tuple[str, Decimal], list[Point]] = defaultdict(list)
    for (_, dim, value), points in groups.items():
        said_in_text = [p for p in points if p[1] < 0 and isinstance(_block(block, p[0]), Paragraph)]
        if dim != "money" and said_in_text:  # a sum of money in two 专项 is two budgets, not one stated twice
            across[(dim, value)].append(said_in_text[0])  # the text restates a target; a table's cell is its own
    for firsts in across.values():
        firsts.sort(key=lambda p: (p[0].line, abs(p[0].column)))
        for k, (f, _) in enumerate(firsts[1:], start=1):
            scored = [(_overlap(context(g), context(f)), g) for g, _ in firsts[:k]]
            score, best = max(scored, key=lambda c: c[0])
            if score >= _ACROSS_WORDS and not {(best.key, f.key), (f.key, best.key)} & linked:
                linked.add((best.key, f.key))
                yield Claim("equal", "repeats", best, (f,), (), best.label, "", best.block)
    # a figure written with fewer digits (5.08 万人, 97.6 亿元) and one that rounds to it
    # (5.0833 万人, 976034 万元), in one part of the document and with a word in common
    by_dim: dict[tuple[int, str], list[tuple[Decimal, Fig, int]]] = defaultdict(list)
    for (part, dim, value), points in groups.items():
        by_dim[(part, dim)].extend((value, f, t) for f, t in points)
    for near in by_dim.values():
        near.sort(key=lambda p: p[0])
        # By precision (a rounding is of a more precise figure), then by amount and words: of the
        # statements of one amount whose words are the same, only the first that may be linked
        # can be (the ties of max below go to the first), so 10^4 alike lines cost one weighing each.
        precise: dict[int, tuple[list[Decimal], list[list[tuple[int, Decimal, Fig]]]]] = {}
        alike: dict[tuple[int, Decimal, frozenset[str]], list[tuple[int, Decimal, Fig]]] = {}
        for n, (g_value, g, _) in enumerate(near):
            level_sig = _significant(g.value)
            level = precise.setdefault(level_sig, ([], []))
            kind = (level_sig, g_value, _words(context(g)))
            if kind not in alike:
                alike[kind] = []
                level[0].append(g_value)
                level[1].append(alike[kind])
            alike[kind].append((n, g_value, g))
        for value, f, table in near:
            sig = _significant(f.value)
            short_integer = "." not in f.value and sig <= _INTEGER_DIGITS  # 48 亿元 against 480105 万元
            if table >= 0 or sig < 2:
                continue
            half = amount("0.5", f.unit).scaleb(-len(f.value.partition(".")[2]))
            window: list[tuple[int, Decimal, Fig]] = []
            reach = half if short_integer else half * _NEAR  # a short integer keeps only those within half
            for level_sig, (values, classes) in precise.items():
                if level_sig > sig:
                    lo = bisect_left(values, value - reach)
                    for members in classes[lo : bisect_left(values, value + reach)]:
                        if members[0][2].line == f.line == members[-1][2].line:
                            continue  # all on f's line (they are in line order within an amount)
                        eligible = next((e for e in members if _may_link(e[2], f, linked)), None)
                        if eligible is not None:
                            window.append(eligible)
            window.sort(key=lambda e: e[0])  # in the order of near, as the ties of max below were
            found = [
                (_overlap(context(f), context(g)), -abs(g_value - value), g, abs(g_value - value) < half)
                for _, g_value, g in window
                if g_value != value
            ]
            # no word needed when this precise (a percentage is too common a figure for that);
            # a rounding to two significant digits needs two words in common
            bare = sig >= _BARE_DIGITS + ("." not in f.value) and f.unit != "%"
            need = 1 if sig >= 3 else 2
            # within half a unit of the last digit: rounded; within two units: a figure the text
            # rounded wrongly, linked only on two words in common (the check reports the slip)
            if short_integer:  # exact by the tolerance: linked only on its own words and within 0.5 %
                own = f.label + _after(block, f)
                found = [
                    c for c in found if c[3] and abs(c[1]) * 200 < value and _overlap(own, context(c[2])) >= _NEAR_WORDS
                ]
            else:
                found = [
                    c
                    for c in found
                    if (c[3] and (c[0] >= need or bare))
                    or (sig >= 3 and c[0] >= _NEAR_WORDS)
                    or (
                        bare
                        and "." not in f.value
                        and c[0] >= 1
                        and 0 < amount(c[2].value, c[2].unit) - value < 2 * half
                    )
                ]  # the last: an integer that drops the decimals (28734 of 28734.56), with a word in common
            if found:
                g = max(found, key=lambda c: (c[3], c[0], c[1]))[2]
                linked.add((f.key, g.key))
                yield Claim("equal", "repeats", f, (g,), (), f.label, "rounded", f.block)

    # restated differently: a figure of the text no equal statement repeats, and a table cell
    # of its part and dimension whose words have most in common with its own (at least
    # _DIFFERENT_WORDS): the table restates the text's target with another figure
    said = {k for pair in linked for k in pair}
    by_part: dict[tuple[int, str], list[Fig]] = defaultdict(list)
    for (part, dim, _), points in groups.items():
        by_part[(part, dim)].extend(f for f, t in points if t >= 0 and f.column < 0 and _WHOLE.match(f.label))
    pairs: list[tuple[int, int, Fig, Fig]] = []  # (words in common, order, text figure, cell)
    for (part, dim, _), points in groups.items():
        for f, table in points:
            if table >= 0 or not isinstance(_block(block, f), Paragraph):
                continue
            for g in by_part[(part, dim)]:
                if g.key not in said and (n := _overlap(context(f), context(g))) >= _DIFFERENT_WORDS:
                    pairs.append((n, len(pairs), f, g))
    restated: set[tuple[int, int]] = set()
    for _, _, f, g in sorted(pairs, key=lambda p: (-p[0], p[1])):  # the closest pairs first, each once
        if f.key in restated or g.key in restated:
            continue
        restated.update((f.key, g.key))
        yield Claim("equal", "repeats", f, (g,), (), f.label, "restated", f.block)
    # a decimal point slipped: a figure of the text and a cell of its part and dimension that is
    # it times a power of ten (to the text's rounding), with _SHIFT_WORDS words in common (one of its name)
    lead: dict[tuple[int, str, str], list[Fig]] = defaultdict(list)
    for (part, dim, _), points in groups.items():
        for g, in_table in points:
            if in_table >= 0 and g.key not in said and g.key not in restated:
                lead[(part, dim, _lead(g.value))].append(g)
    shifted: list[tuple[int, int, Fig, Fig]] = []
    for (part, dim, value), points in groups.items():
        for f, table in points:
            if table >= 0 or f.key in said or f.key in restated or _significant(f.value) < 2:
                continue
            if not isinstance(_block(block, f), Paragraph):
                continue
            half = amount("0.5", f.unit).scaleb(-len(f.value.partition(".")[2]))
            for g in lead[(part, dim, _lead(f.value))]:
                ratio = amount(g.value, g.unit) / value
                k = ratio.adjusted() + (1 if ratio.scaleb(-ratio.adjusted()) >= 5 else 0)
                if k == 0 or abs(k) > _SHIFT_POWER:
                    continue
                if abs(amount(g.value, g.unit) - value.scaleb(k)) > half.scaleb(k):
                    continue
                if (n := _overlap(context(f), context(g))) >= _SHIFT_WORDS and _overlap(f.label, context(g)):
                    shifted.append((n, len(shifted), f, g))  # words in common, one of them of its own name
    for _, _, f, g in sorted(shifted, key=lambda p: (-p[0], p[1])):
        if f.key in restated or g.key in restated:
            continue
        restated.update((f.key, g.key))
        yield Claim("equal", "repeats", f, (g,), (), f.label, "shifted", f.block)


def _may_link(g: Fig, f: Fig, linked: set[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
    return g.line != f.line and (g.key, f.key) not in linked and (f.key, g.key) not in linked


def _lead(digits: str) -> str:
    """The first two significant digits (a figure and its decimal shift share them)."""
    return digits.replace(".", "").lstrip("0")[:2]


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


def _add(groups: dict[tuple[int, str, Decimal], list[Point]], outline: Outline, f: Fig, table: int) -> None:
    value = amount(f.value, f.unit)
    if value != 0:
        groups[(_part(outline, f.block), dimension(f.unit), value.normalize())].append((f, table))


def _part(outline: Outline, block: int) -> int:
    """The 专项 (level-0 heading) a block belongs to; the whole document (-1) when it has none."""
    chain = outline.chain[block] if block >= 0 else ()
    first = outline.blocks[chain[0]] if chain else outline.blocks[block] if block >= 0 else None
    if isinstance(first, Heading) and first.level == 0:
        return chain[0] if chain else block
    return -1


def _significant(digits: str) -> int:
    return len(digits.replace(".", "").strip("0"))


# words too common in budget texts to tell two figures apart
_GENERIC = frozenset(
    "完成 实施 建设 新建 全年 年度 计划 目标 任务 项目 资金 投资 投入 安排 其中 合计 小计 总计 以上 不少 少于 "
    "达到 贫困 扶贫 脱贫 全市 全县 全省 区县 县区 工作 推进 开展 加快 支持 落实 力争 确保 累计 共计 主要 内容 "
    "规模 单位 万元 亿元 元的 个贫 户贫 名贫 人口 群众".split()
)


def _after(outline: Outline, f: Fig) -> str:
    """The clause right after a figure of running text (普通干线公路 48 亿元**项目**…), else ""."""
    block = _block(outline, f)
    if not isinstance(block, Paragraph) or f.offset < 0:
        return ""
    after = block.text[f.offset : f.offset + _AFTER]
    cut = [k for k in (after.find(c) for c in CLAUSE_END) if k >= 0]
    return after[: min(cut, default=len(after))]


def _block(outline: Outline, f: Fig) -> object:
    return outline.blocks[f.block] if 0 <= f.block < len(outline.blocks) else None


def _context(outline: Outline, f: Fig) -> str:
    """The words around a figure of running text: its label, the sentence before it, the clause after it."""
    block = outline.blocks[f.block] if 0 <= f.block < len(outline.blocks) else None
    if isinstance(block, TableBlock) and f.column >= 0:  # a figure written in a word cell: its row
        row = next((r.text for r in (*block.header_rows, *block.rows) if r.number == f.line), "")
        return f.label + " ".join(row.split())
    if not isinstance(block, Paragraph) or f.offset < 0:
        return f.label
    before = block.text[max(0, f.offset - _BEFORE) : f.offset]
    before = before[max(before.rfind(c) for c in SENTENCE_END) + 1 :]
    after = block.text[f.offset : f.offset + _AFTER]
    cut = [k for k in (after.find(c) for c in CLAUSE_END) if k >= 0]
    return f.label + before + after[: min(cut, default=len(after))]


_BEFORE, _AFTER = 30, 20
_DEFINING = frozenset({"sum", "sum-partial", "split", "cumulative"})  # claims whose total defines an amount
_WHOLE = re.compile(r"(?:[一二三四五六七八九十]+、)?(?:全\s*[市县区省州]|合\s*计|总\s*计|总投资)")  # a total row
_SHIFT_WORDS = 2  # words in common for a figure and a cell its decimal shift
_SHIFT_POWER = 4  # the largest power of ten a decimal slip is read across
_DIFFERENT_WORDS = 3  # words in common for a table cell restating a figure of the text differently
_CANDIDATES = 400  # earlier statements of one amount weighed per table (a big table of small counts)
_ACROSS_WORDS = 2  # words in common for a figure restated in another part, or rounded wrongly
_NEAR_WORDS = 3  # words in common for a wrong rounding
_NEAR = 4  # half-units of the last digit within which a figure may be a wrong rounding of another
_BARE_DIGITS = 3  # a rounded figure this precise (one more for an integer) needs no word in common
_INTEGER_DIGITS = 3  # an integer this precise, with a word in common, is read as a rounding (the check says how far)


def _overlap(a: str, b: str) -> int:
    """How many two-character words of Chinese, not of :data:`_GENERIC`, two texts share."""
    return len(_words(a) & _words(b))


@lru_cache(maxsize=1 << 16)
def _words(text: str) -> frozenset[str]:
    return frozenset(
        text[i : i + 2]
        for i in range(len(text) - 1)
        if "\u4e00" <= text[i] <= "\u9fff" and "\u4e00" <= text[i + 1] <= "\u9fff" and text[i : i + 2] not in _GENERIC
    )


def _share_word(a: str, b: str) -> bool:
    """Two texts share a two-character word of Chinese that is not one of :data:`_GENERIC`."""
    words = {a[i : i + 2] for i in range(len(a) - 1)}
    return any(
        b[i : i + 2] in words and b[i : i + 2] not in _GENERIC
        for i in range(len(b) - 1)
        if "\u4e00" <= b[i] <= "\u9fff" and "\u4e00" <= b[i + 1] <= "\u9fff"
    )


EXTRACTOR = Extractor(
    "repeats",
    "Figures stated twice",
    frozenset({"document"}),
    frozenset({"figure", "table"}),
    frozenset({"equal"}),
    extract,
    __doc__ or "",
)
