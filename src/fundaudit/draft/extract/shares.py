"""shares — percentage splits: 中央和省级承担 85%，县级承担 15%.

Two or more percentages in one sentence, each named by a party (中央, 省, 市, 县, 区 and the
funding sources of ``splits``) and summing to at most 100 %, are shares of one whole:
complete when they sum to 100 %, partial (``partial: true``) otherwise; so are percentages
each named as a portion (因病致贫占 46.32%、缺资金致贫占 10.23% …). Percentages that sum to
more than 100 % are targets, not shares, and are not claimed. An amount followed by
``占<whole>的 p%`` (220 千伏工程投资 2.962 亿元，占总投资的 8.63%) is the whole × p, the whole
being the latest earlier figure of its unit whose words name it (规划总投资 34.31 亿元), or the
figure written in the 占 clause itself (带动 37927 人脱贫，占全市 73000 人脱贫任务的 51.9%); two or
more such amounts are the whole's parts.
"""

from __future__ import annotations

import re
from decimal import Decimal

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import SENTENCE_END
from fundaudit.draft.model import Block, Claim, Fig, Outline, Paragraph

_PORTION = re.compile(r"占")
_OF = re.compile(r"占([\u4e00-\u9fff]{1,6}?)的?\s*$")  # 占总投资的 8.63%: a share of 总投资
_WHOLE_INSIDE = re.compile(r"[，,]\s*占[^，,；;。%]*的\s*$")  # ，占全市 73000 人…的 | 51.9%
_PARTY = re.compile(r"(中央|省|市|县|区|乡|村|社会|个人|农户|企业|财政)")


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Paragraph):
        return
    used = ctx.used()
    figs = [f for f in ctx.figs.get(index, []) if f.offset >= 0 and f.unit == "%" and f.key not in used]
    yield from _portions(index, block, ctx)  # after the shares are chosen: a portion is a share too
    groups: list[list[Fig]] = []
    for f in figs:
        # portions listed item by item (…占总投资的 8.63%；…占总投资的 8.22%) run to the 。
        ends = (
            "。！？" if groups and _PORTION.search(f.label) and _PORTION.search(groups[-1][-1].label) else SENTENCE_END
        )
        if groups and not any(c in block.text[groups[-1][-1].offset : f.offset] for c in ends):
            groups[-1].append(f)
        else:
            groups.append([f])
    for group in groups:
        portions = all(_PORTION.search(f.label) for f in group)  # 因病致贫占 46.32%、缺资金致贫占 10.23%
        if len(group) < 2 or not (portions or all(_PARTY.search(f.label) for f in group)):
            continue
        total = sum((Decimal(f.value) for f in group), Decimal(0))
        if total > 100:
            continue
        keys = tuple(_key(f.label, i) for i, f in enumerate(group))
        if len(set(keys)) != len(keys) and portions:
            keys = tuple(f"{k}{i + 1}" for i, k in enumerate(keys))  # 占总投资的 each time: numbered
        if len(set(keys)) != len(keys):
            continue
        why = "" if total == 100 else "partial"
        yield Claim("shares", "shares", None, tuple(group), keys, group[0].label, why, index)


def _portions(index: int, block: Paragraph, ctx: Context) -> Result:
    """``规划总投资 34.31 亿元，220 千伏工程投资 2.962 亿元，占总投资的 8.63%；…``: each amount followed
    by 占<whole>的 p% is the whole × p (the whole: the latest earlier figure of its unit whose
    words name it), and the amounts of two or more such items are the whole's parts."""
    figs = [f for f in ctx.figs.get(index, []) if f.offset >= 0]
    by_whole: dict[tuple[int, int], list[tuple[Fig, Fig]]] = {}
    wholes: dict[tuple[int, int], Fig] = {}
    for k, share in enumerate(figs):
        m = _OF.search(block.text[max(0, share.offset - 12) : share.offset])
        if share.unit == "%" and m is None and k >= 2:
            inside = _WHOLE_INSIDE.search(block.text[figs[k - 2].offset : share.offset])
            amount_fig, whole_fig = figs[k - 2], figs[k - 1]
            if (
                inside
                and amount_fig.unit == whole_fig.unit != "%"
                and whole_fig.offset > figs[k - 2].offset + inside.start()
            ):
                # 带动 37927 人脱贫，占全市 73000 人脱贫任务的 51.9%: the whole is written in the 占 clause
                yield Claim(
                    "product", "shares", amount_fig, (whole_fig, share), ("whole", "share"), amount_fig.label, "", index
                )
            continue
        if share.unit != "%" or m is None or k == 0:
            continue
        amount_fig = figs[k - 1]
        if amount_fig.unit == "%" or any(c in block.text[amount_fig.offset : share.offset] for c in "；;。"):
            continue
        word = m.group(1)
        whole = next(
            (f for f in reversed(figs[: k - 1]) if f.unit == amount_fig.unit and word in f.label and f.unit != "%"),
            None,
        )
        if whole is None:
            continue
        wholes[whole.key] = whole
        by_whole.setdefault(whole.key, []).append((amount_fig, share))
        yield Claim("product", "shares", amount_fig, (whole, share), ("whole", "share"), amount_fig.label, "", index)
    for key, items in by_whole.items():
        if len(items) >= 2:
            whole = wholes[key]
            parts = tuple(a for a, _ in items)
            yield Claim("sum", "shares", whole, parts, tuple(a.label for a in parts), whole.label, "", index)


def _key(label: str, i: int) -> str:
    m = _PARTY.search(label)
    start = m.start() if m else 0
    key = re.sub(r"(承担|负担|分担|按|比例|占|的)+$", "", label[start:])
    return key.replace("/", "").replace(":", "") or f"share{i + 1}"


EXTRACTOR = Extractor(
    "shares",
    "Percentage splits",
    frozenset({"paragraph"}),
    frozenset({"figure"}),
    frozenset({"shares", "product", "sum"}),
    extract,
    __doc__ or "",
)
