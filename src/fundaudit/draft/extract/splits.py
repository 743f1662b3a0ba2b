"""splits — a total and its parts: 其中：中央 X 亿元、省级 Y 亿元、市县 Z 亿元, and lists.

In one sentence (to 。, not ；, which separates the items of a 其中 list), a figure followed
by ``其中`` (or ``包括``, or an opening ``（``) and then figures of the same dimension is a
total and its parts (also a figure followed by the words it counts and ``，其中：``:
``实施 120 个文化院坝建设项目，其中：…``; the last figure of a sentence when the next sentence
opens with ``其中：``; and each of totals in several units whose list opens after a share between them:
``300 户 1000 人，占总人口的 60%（其中：园区 100 户 300 人、…``); figures of another dimension
between them are passed over (``雁江区投入资金 0.9 亿元，解决贫困人口 0.58 万人；乐至县投入资金
1.9 亿元``). A part followed by its own ``（…）`` list is the total of that list too (a stated
sum, nested). When every part's words name a
funding source (中央, 省级/省, 市县/市、县/区县/地方, 社会/自筹/业主/贷款), it is a split into the
canonical keys (money only; two parts naming one source make it a list instead); otherwise the parts
are an itemised list (区县, projects) and the claim is a stated sum. A list of items followed by a sentence
``资金来源为：中央 X 亿元、省级 Y 亿元 …`` (or ``其中，中央资金 X 亿元（含…），省级 …``) whose every
figure outside parentheses names a distinct source: that sentence is the total's split (the
list its items). A single part is
partial (``sum-partial``: the parts must not exceed the total). Figures in parentheses or
after 含 are a part's own breakdown and left out; a figure named 共/合计/总计 starts a new total.
Parts that sum to less than half or more than twice the total are taken as a misreading
and not claimed, except one part alone less than its total (``共投入 8.4 亿元，其中财政扶贫资金
2.2 亿元``); a figure named 均/各/每 (``其中：各乡镇均计划投资 100 万元``) is each one's,
not a part. ``计划投入省级资金 2.1 亿元`` —
a total whose own words name one source, or whose next clause does
(``计划安排资金 0.05 亿元，为省级财政资金``) — is a split with ``only:``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import amount, dimension, plausible, source_key
from fundaudit.draft.model import Block, Claim, Fig, Outline, Paragraph

_PLANNED = re.compile(r"(计划|安排|投入|投资|筹措|筹集|落实|募集|概算|需求)")
_TOTAL_WORDS = ("共", "合计", "总计", "累计", "总投资", "全年")
_NEW_ITEM = re.compile(r"[；;]\s*[（(][0-9一二三四五六七八九十]+[）)]")  # ；（2） starts the next item
# the last figure of a sentence and a next sentence that opens with 其中：(为 2.28 万名学生…。其中：…)
_NEXT_OPEN = re.compile(r"^[^。！？；0-9]{0,40}。\s*其中[，,：:]\s*")
# the words a figure counts, then 其中：(实施 120 个文化院坝建设项目，其中：甲州 90 个，乙市 30 个)
_NOUN_OPEN = re.compile(r"^[^。！？；;，,、0-9（(]{1,40}[，,]\s*其中[，,：:]\s*")
# 计划安排资金 0.05 亿元，为省级财政资金: the one source named after the total
_ONE_SOURCE = re.compile(r"^[，,]\s*(?:均|全部|全)?(?:为|系|由)([^，,。；;、（(0-9]{2,14})")
_OPEN = re.compile(r"^[，,。；;：:\s*]*(其中|包括|含)[，,：:\s]*|^\s*(?P<paren>[（(])\s*(其中|含)?[，,：:\s]*")


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Paragraph):
        return
    yield from claims_in(block.text, [f for f in ctx.figs.get(index, []) if f.offset >= 0], index)


def claims_in(text: str, figs: list[Fig], index: int) -> Iterator[Claim]:
    """The splits and lists of one text whose figures (in order, offsets in ``text``) are ``figs``."""
    used: set[tuple[int, int]] = set()  # parts and totals claimed so far
    totals: set[tuple[int, int]] = set()
    for i, total in enumerate(figs):
        if total.key in totals:
            continue
        nested = total.key in used  # a part of an earlier list, with its own breakdown after it
        end = fig_end(text, total)
        gap = text[end : figs[i + 1].offset] if i + 1 < len(figs) else ""
        rest = _after_unit(gap)
        m = _OPEN.match(rest) or _NEXT_OPEN.match(rest) or _NOUN_OPEN.match(rest)
        later = None if m else _opening_later(text, figs, i)
        if not m and later is None:
            if not nested and _PLANNED.search(total.label) and dimension(total.unit) == "money":
                only = source_key(_PLANNED.split(total.label)[-1])
                said = _ONE_SOURCE.match(_after_unit(text[end : end + 30]))
                only = only or (source_key(said.group(1)) if said else None)
                yield Claim("split", "splits", total, (), (only or "",) if only else (), total.label, "", index)
                used.add(total.key)
            continue
        scan = later if later is not None else end + len(gap) - len(rest) + (m.end() if m else 0)
        parts: list[Fig] = []
        dim = dimension(total.unit)
        depth = 0
        last = scan
        for f in figs[i + 1 :]:
            if f.offset < scan:
                continue  # figures of other units before a later 其中 (3248 户 11673 人，占…（其中：)
            between = text[last : f.offset]
            last = f.offset
            depth += between.count("（") + between.count("(") - between.count("）") - between.count(")")
            if any(c in between for c in "。！？") or _NEW_ITEM.search(between):
                break
            if dimension(f.unit) != dim:
                continue  # 解决贫困人口 0.58 万人 between two amounts (or the 户 of a list in 户 and 人)
            if f.key in used:
                break
            if depth < 0:
                break  # the parenthesis that held the parts closed
            if depth > 0 or (parts and f.label.startswith(("含", "其中"))):
                continue  # a part's own breakdown (中央资金 X（含提前下达 Y）): not a part of the total
            if any(w in f.label for w in _TOTAL_WORDS):
                break  # a new total starts
            parts.append(f)
        if not parts or not (
            plausible((total.value, total.unit), [(p.value, p.unit) for p in parts]) or _one_part(total, parts)
        ):
            continue
        money = dimension(total.unit) == "money"
        keys = [source_key(p.label) if money else None for p in parts]
        kind = (
            "split"
            if all(keys) and len(set(keys)) == len(keys) and not nested
            else "sum"
            if len(parts) > 1
            else "sum-partial"
        )
        why = "partial" if len(parts) == 1 or (m is not None and "含" in m.group(0)) else ""
        if why and kind == "sum":
            kind = "sum-partial"
        if kind == "split":
            yield Claim("split", "splits", total, tuple(parts), tuple(k or "" for k in keys), total.label, why, index)
        else:
            names = tuple(p.label for p in parts)
            yield Claim(kind, "splits", total, tuple(parts), names, total.label, why, index)
        used.add(total.key)
        totals.add(total.key)
        used.update(p.key for p in parts)
        if kind != "split":
            sources = _sources_after(text, total, parts[-1], figs, used)
            if sources:
                yield Claim(
                    "split", "splits", total, sources, tuple(source_key(p.label) or "" for p in sources), "", "", index
                )
                used.update(p.key for p in sources)


_SOURCES_SAID = re.compile(r"^[。；;\s]*(?:其中|(?:其)?资金(?:来源|构成)(?:为|是)?)[，,：:]\s*")


def _sources_after(text: str, total: Fig, last: Fig, figs: list[Fig], used: set[tuple[int, int]]) -> tuple[Fig, ...]:
    """``… 其中：高速公路 27 亿元、… 资金来源为：中央 2.6 亿元、省级 4.3 亿元 …``: the next sentence,
    when it says where the money comes from and every figure of it names a distinct source, is
    the total's split (the list before it is its items)."""
    end = text.find("。", last.offset)
    if end < 0 or not _SOURCES_SAID.match(text[end:]):
        return ()
    stop = text.find("。", end + 1)
    stop = len(text) if stop < 0 else stop

    def outside(f: Fig) -> bool:  # not a part's own （含提前下达 …）
        between = text[end : f.offset]
        return between.count("（") + between.count("(") <= between.count("）") + between.count(")")

    parts = tuple(
        f for f in figs if end < f.offset < stop and dimension(f.unit) == "money" and f.key not in used and outside(f)
    )
    keys = [source_key(p.label) for p in parts]
    if len(parts) < 2 or not all(keys) or len(set(keys)) != len(keys):
        return ()
    if not plausible((total.value, total.unit), [(p.value, p.unit) for p in parts]):
        return ()
    return parts


_LATER_OPEN = re.compile(r"[（(]\s*其中[，,：:]?|其中[：:]")


def _opening_later(text: str, figs: list[Fig], i: int) -> int | None:
    """Where a 其中 list of ``figs[i]`` opens after figures of other units or shares between them:
    ``3248 户 11673 人，占…总人口的 61.4%（其中：园区安置 91 户 361 人、…``; None when none does."""
    total = figs[i]
    dim = dimension(total.unit)
    k = i + 1
    while k < len(figs) and (dimension(figs[k].unit) != dim or figs[k].unit == "%"):
        k += 1
    if k == i + 1 or k >= len(figs):
        return None
    window = text[fig_end(text, total) : figs[k].offset]
    opens = list(_LATER_OPEN.finditer(window))  # the last opening before the first figure of the total's unit
    if not opens or "。" in window[: opens[-1].start()]:
        return None
    return fig_end(text, total) + opens[-1].end()


def _one_part(total: Fig, parts: list[Fig]) -> bool:
    """``共投入 8.4 亿元，其中财政扶贫资金 2.2 亿元``: one part named by 其中, less than its total."""
    if len(parts) != 1 or re.search(r"[均各每]", parts[0].label):
        return False  # 其中：各乡镇均计划投资 100 万元 is each one's, not a part
    return 0 < amount(parts[0].value, parts[0].unit) < amount(total.value, total.unit)


def fig_end(text: str, fig: Fig) -> int:
    """The offset just after a figure's unit (or its digits when the unit is not next to them)."""
    end = fig.offset + len(fig.value)
    k = text.find(fig.unit, end, end + 3 + len(fig.unit))
    return k + len(fig.unit) if k >= 0 else end


def _after_unit(gap: str) -> str:
    return re.sub(r"^(以上|左右|余|多)", "", gap)


EXTRACTOR = Extractor(
    "splits",
    "Funding-source splits and 其中 lists",
    frozenset({"paragraph"}),
    frozenset({"figure"}),
    frozenset({"split", "sum", "sum-partial"}),
    extract,
    __doc__ or "",
)
