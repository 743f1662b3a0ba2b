"""sums — a figure and the figures of one sentence that add up to it exactly, with no 其中.

``支持 14 个县级播出机构建设，完成 10 个，争取新开工 4 个``: in one sentence (to 。), a figure
followed by a run of two or more figures of its unit (figures of other units between them are
passed over) that add up to it exactly is their total — a stated sum. A figure named 共 /
合计 / 累计 / 总 after such a run (``主要负责同志 2 次、班子成员 10 次，累计 12 次``) is the
total of the run before it. The last figure of its unit in a sentence whose next sentence
opens with such a run (``支持 42 个台站改造。完成 25 个、新开工 17 个…``) is its total too.
Only exact sums are read (a near miss is more likely two unrelated figures than a slip), the
total has two significant digits or more and is no earlier claim's figure, and the parts are
no earlier claim's parts (the total of an earlier list may be one: ``新开工 17 个（新建 8 个、
改造 9 个）``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import amount, sentences
from fundaudit.draft.model import Block, Claim, Fig, Outline, Paragraph

_TOTAL_AFTER = re.compile(r"(共|合计|累计|总计|总共|总)")
_MAX_PARTS = 8


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Paragraph):
        return
    as_parts = ctx.parts()
    # a figure an earlier claim made a part of is left alone; the total of an earlier list may
    # be a part here (新开工 17 个（新建 8 个、改造 9 个）under 支持 42 个)
    figs = [f for f in ctx.figs.get(index, []) if f.offset >= 0 and f.key not in as_parts]
    taken: set[tuple[int, int]] = set()
    said = sentences(block.text, figs, "。")
    for n_sentence, sentence in enumerate(said):
        by_unit: dict[str, list[Fig]] = defaultdict(list)
        for f in sentence:
            by_unit[f.unit].append(f)
        place = {f.key: k for run in by_unit.values() for k, f in enumerate(run)}
        for total in sentence:
            if total.key in taken or total.key in ctx.used() or len(total.value.replace(".", "").strip("0")) < 2:
                continue
            same, k = by_unit[total.unit], place[total.key]
            later = _free(same, range(k + 1, len(same)), taken)
            after = _run_to(total, later)
            before = _run_to(total, _free(same, range(k - 1, -1, -1), taken))[::-1]
            if not after and not later and n_sentence + 1 < len(said):
                # the last of its unit in its sentence, and the next sentence opens with the run
                # (支持 42 个台站改造。完成 25 个、新开工 17 个…)
                following = [f for f in said[n_sentence + 1] if f.unit == total.unit and f.key not in taken]
                if following and following[0] is said[n_sentence + 1][0]:
                    after = _run_to(total, following[:_MAX_PARTS])
            if after:
                parts = after
            elif before and _TOTAL_AFTER.search(total.label):
                parts = before
            else:
                continue
            taken.add(total.key)
            taken.update(p.key for p in parts)
            yield Claim("sum", "sums", total, tuple(parts), tuple(p.label for p in parts), total.label, "", index)


def _free(same: list[Fig], order: range, taken: set[tuple[int, int]]) -> list[Fig]:
    """Up to ``_MAX_PARTS`` figures of ``same`` in ``order`` that no sum of this paragraph took."""
    out: list[Fig] = []
    for k in order:
        if same[k].key not in taken:
            out.append(same[k])
            if len(out) == _MAX_PARTS:
                break
    return out


def _run_to(total: Fig, run: list[Fig]) -> list[Fig]:
    """The shortest prefix (two figures or more) of ``run`` that adds up to ``total`` exactly."""
    whole = amount(total.value, total.unit)
    got = Decimal(0)
    for n, f in enumerate(run, start=1):
        got += amount(f.value, f.unit)
        if got == whole and n >= 2:
            return run[:n]
        if got > whole:
            return []
    return []


EXTRACTOR = Extractor(
    "sums",
    "Exact sums within a sentence",
    frozenset({"paragraph"}),
    frozenset({"figure"}),
    frozenset({"sum"}),
    extract,
    __doc__ or "",
)
