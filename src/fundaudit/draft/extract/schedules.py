"""schedules — quarterly amounts in running text: 一季度下达 2 亿元，二季度下达 2.85 亿元 ….

Years too: figures of one unit, counting one thing (万贫困人口, 个贫困村, 个贫困县), in successive
years (2018 年实现 100 万…；2019 年实现 63.5 万…) are the periods of the nearest earlier figure
of that unit and thing whose clause names no year, in the same paragraph or the three before
it (a target and its 退出计划); years that make up less of it are a partial schedule.

Two or more figures of one dimension whose words name successive quarters (一季度, 第二季度,
1 季度 …) in one paragraph are the periods of a figure: the nearest earlier figure of the
same dimension in the paragraph whose words name the year's whole (fewer than four
quarters that add up to less than it are a partial schedule) (全年, 年度, 计划, 共, 合计,
总) — or, when the quarters are running totals (累计, or a 四季度 figure equal to that whole),
a cumulative schedule ending at it. Periods that add up to less than half or more than twice
the whole are not claimed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal
from functools import lru_cache

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import amount, dimension, plausible
from fundaudit.draft.model import Block, Claim, Fig, Outline, Paragraph

_QUARTER = re.compile(r"(?:第)?([一二三四1-4])\s*季度")
_WHOLE = re.compile(r"(全年|年度|计划|共|合计|总)")


def quarter(label: str) -> int:
    m = _QUARTER.search(label)
    if not m:
        return 0
    q = m.group(1)
    return "一二三四".index(q) + 1 if q in "一二三四" else int(q)


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Paragraph):
        return
    yield from _years(index, block, ctx)
    figs = [f for f in ctx.figs.get(index, []) if f.offset >= 0]
    used = ctx.used()
    periods: list[Fig] = []
    for f in figs:
        q = quarter(f.label)
        if q and f.key not in used and (not periods or (q == quarter(periods[-1].label) + 1 and _same(f, periods[-1]))):
            periods.append(f)
            continue
        yield from _claim(periods, figs, index)
        periods = [f] if q == 1 and f.key not in used else []
    yield from _claim(periods, figs, index)


def _same(a: Fig, b: Fig) -> bool:
    return dimension(a.unit) == dimension(b.unit)


def _claim(periods: list[Fig], figs: list[Fig], index: int) -> Result:
    if len(periods) < 2:
        return
    first = periods[0]
    whole = next(
        (
            f
            for f in reversed(figs)
            if f.offset < first.offset and _same(f, first) and _WHOLE.search(f.label) and not quarter(f.label)
        ),
        None,
    )
    if whole is None:
        return
    values = [amount(p.value, p.unit) for p in periods]
    cumulative = any("累计" in p.label for p in periods) or (
        values == sorted(values) and len(periods) == 4 and values[-1] == amount(whole.value, whole.unit)
    )
    keys = tuple(f"{quarter(p.label)}季度" for p in periods)
    if cumulative:
        if values[-1] > 0 and amount(whole.value, whole.unit) / values[-1] in (Decimal(1),):
            yield Claim("cumulative", "schedules", whole, tuple(periods), keys, whole.label, "", index)
        return
    if plausible((whole.value, whole.unit), [(p.value, p.unit) for p in periods]):
        stated = sum(values, Decimal(0))
        partial = "partial" if len(periods) < 4 and stated < amount(whole.value, whole.unit) else ""
        kind = "sum-partial" if partial else "sum"
        yield Claim(kind, "schedules", whole, tuple(periods), keys, whole.label, partial, index)


_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年(?!\s*[—\-－~至到]|底|末|初)")
_LOOKBACK = 3  # paragraphs before a yearly schedule searched for its whole


def _year(text: str, fig: Fig) -> int:
    """The year the clause of a figure names (``2018 年实现 100 万…、3500 个…``), 0 for none."""
    stops, ends, found = _year_index(text)
    start = stops[bisect_right(stops, fig.offset - 1) - 1] + 1  # after the clause's opening ；;。
    k = bisect_right(ends, fig.offset) - 1  # the last year named before the figure
    return found[k][1] if k >= 0 and found[k][0] >= start else 0


@lru_cache(maxsize=8)
def _year_index(text: str) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """A paragraph's clause stops (with -1 first) and the years it names, read once (not per figure:
    a paragraph of 10^5 figures stays linear)."""
    stops = [-1] + [k for k, c in enumerate(text) if c in "；;。"]
    matches = list(_YEAR.finditer(text))
    return stops, [m.end() for m in matches], [(m.start(), int(m.group(1))) for m in matches]


def _noun(text: str, fig: Fig) -> str:
    """The words right after a figure's unit (个贫困村 / 个贫困县): what it counts."""
    k = text.find(fig.unit, fig.offset + len(fig.value))
    after = text[k + len(fig.unit) : k + len(fig.unit) + 6] if 0 <= k < fig.offset + len(fig.value) + 3 else ""
    m = re.match(r"[\u4e00-\u9fff]{1,3}", after)
    return m.group(0) if m else ""


def _years(index: int, block: Paragraph, ctx: Context) -> Result:
    """Yearly schedules: figures of one unit in successive years (2016 年 5.08 万人，2017 年 4.7 万人 …)
    are the periods of the nearest earlier figure of that unit whose clause names no year, in this
    paragraph or the few before it; fewer years than make it up are a partial schedule."""
    figs = [f for f in ctx.figs.get(index, []) if f.offset >= 0]
    years = {f.key: _year(block.text, f) for f in figs}
    by_unit: dict[tuple[str, str], list[Fig]] = {}
    for f in figs:
        if years[f.key]:
            by_unit.setdefault((f.unit, _noun(block.text, f)), []).append(f)
    for (unit, noun), run in by_unit.items():
        ys = [years[f.key] for f in run]
        if len(run) < 2 or ys != list(range(ys[0], ys[0] + len(ys))):
            continue

        def alike(f: Fig, text: str, unit: str = unit, noun: str = noun) -> bool:
            other = _noun(text, f)
            same = not noun or not other or noun.endswith(other) or other.endswith(noun)
            return f.offset >= 0 and f.unit == unit and same and not _year(text, f)

        earlier = [f for f in figs if f.offset < run[0].offset and alike(f, block.text)]
        for k in range(index - 1, max(-1, index - 1 - _LOOKBACK), -1):
            before = ctx.outline.blocks[k]
            if not earlier and isinstance(before, Paragraph):
                earlier = [f for f in ctx.figs.get(k, []) if alike(f, before.text)]
        if not earlier:
            continue
        whole = earlier[-1]
        stated = sum((amount(p.value, p.unit) for p in run), Decimal(0))
        total = amount(whole.value, whole.unit)
        if not plausible((whole.value, whole.unit), [(p.value, p.unit) for p in run]) or stated > total * 2:
            continue
        partial = "partial" if stated < total and not any(p.key == whole.key for p in run) else ""
        keys = tuple(f"{years[p.key]}年" for p in run)
        kind = "sum-partial" if partial else "sum"
        yield Claim(kind, "schedules", whole, tuple(run), keys, whole.label, partial, index)


EXTRACTOR = Extractor(
    "schedules",
    "Quarterly and yearly schedules in running text",
    frozenset({"paragraph"}),
    frozenset({"figure"}),
    frozenset({"sum", "cumulative"}),
    extract,
    __doc__ or "",
)
