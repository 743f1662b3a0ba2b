"""shares — percentage splits: 中央和省级承担 85%，县级承担 15%.

Two or more percentages in one sentence, each named by a party (中央, 省, 市, 县, 区 and the
funding sources of ``splits``) and summing to at most 100 %, are shares of one whole:
complete when they sum to 100 %, partial (``partial: true``) otherwise. Percentages that
sum to more than 100 % are targets, not shares, and are not claimed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import SENTENCE_END
from fundaudit.draft.model import Block, Claim, Fig, Outline, Paragraph

_PARTY = re.compile(r"(中央|省|市|县|区|乡|村|社会|个人|农户|企业|财政)")


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Paragraph):
        return
    used = ctx.used()
    figs = [f for f in ctx.figs.get(index, []) if f.offset >= 0 and f.unit == "%" and f.key not in used]
    groups: list[list[Fig]] = []
    for f in figs:
        if groups and not any(c in block.text[groups[-1][-1].offset : f.offset] for c in SENTENCE_END):
            groups[-1].append(f)
        else:
            groups.append([f])
    for group in groups:
        if len(group) < 2 or not all(_PARTY.search(f.label) for f in group):
            continue
        total = sum((Decimal(f.value) for f in group), Decimal(0))
        if total > 100:
            continue
        keys = tuple(_key(f.label, i) for i, f in enumerate(group))
        if len(set(keys)) != len(keys):
            continue
        why = "" if total == 100 else "partial"
        yield Claim("shares", "shares", None, tuple(group), keys, group[0].label, why, index)


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
    frozenset({"shares"}),
    extract,
    __doc__ or "",
)
