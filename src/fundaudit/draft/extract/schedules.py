"""schedules — quarterly amounts in running text: 一季度下达 2 亿元，二季度下达 2.85 亿元 ….

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
from decimal import Decimal

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


EXTRACTOR = Extractor(
    "schedules",
    "Quarterly schedules in running text",
    frozenset({"paragraph"}),
    frozenset({"figure"}),
    frozenset({"sum", "cumulative"}),
    extract,
    __doc__ or "",
)
