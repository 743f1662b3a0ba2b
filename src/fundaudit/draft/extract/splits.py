"""splits — a total and its parts: 其中：中央 X 亿元、省级 Y 亿元、市县 Z 亿元, and lists.

In one sentence, a figure followed by ``其中`` (or ``包括``, or an opening ``（``) and then
figures of the same dimension is a total and its parts. When every part's words name a
funding source (中央, 省级/省, 市县/市、县/区县/地方, 社会/自筹/业主/贷款), it is a split into the
canonical keys (two parts naming one source make it a list instead); otherwise the parts
are an itemised list (区县, projects) and the claim is a stated sum. A single part is
partial (``sum-partial``: the parts must not exceed the total). ``计划投入省级资金 2.1 亿元`` —
a total whose own words name one source — is a split with ``only:``.
"""

from __future__ import annotations

import re

from fundaudit.draft.extract import Context, Extractor, Result
from fundaudit.draft.extract._words import SENTENCE_END, dimension, source_key
from fundaudit.draft.model import Block, Claim, Fig, Paragraph

_OPEN = re.compile(r"^[，,。；;：:\s]*(其中|包括|含)[，,：:\s]*|^\s*[（(]\s*(其中|含)?[，,：:\s]*")


def extract(index: int, block: Block, ctx: Context) -> Result:
    if not isinstance(block, Paragraph):
        return
    figs = [f for f in ctx.figs.get(index, []) if f.offset >= 0]
    used: set[tuple[int, int]] = set()
    text = block.text
    for i, total in enumerate(figs):
        if total.key in used:
            continue
        end = fig_end(text, total)
        gap = text[end : figs[i + 1].offset] if i + 1 < len(figs) else ""
        rest = _after_unit(gap)
        m = _OPEN.match(rest)
        if not m:
            continue
        scan = end + len(gap) - len(rest) + m.end()
        parts: list[Fig] = []
        dim = dimension(total.unit)
        for f in figs[i + 1 :]:
            between = text[(parts[-1].offset if parts else scan) : f.offset]
            if any(c in between for c in SENTENCE_END) or dimension(f.unit) != dim:
                break
            if f.key in used:
                break
            parts.append(f)
        if not parts:
            continue
        keys = [source_key(p.label) for p in parts]
        if all(keys) and len(set(keys)) == len(keys):
            kind = "split"
        else:
            kind = "sum" if len(parts) > 1 else "sum-partial"
        why = "partial" if len(parts) == 1 else ""
        if kind == "split":
            yield Claim("split", "splits", total, tuple(parts), tuple(k or "" for k in keys), total.label, why, index)
        else:
            names = tuple(p.label for p in parts)
            yield Claim(kind, "splits", total, tuple(parts), names, total.label, why, index)
        used.add(total.key)
        used.update(p.key for p in parts)


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
