"""figures — every figure of running text with its unit, bound and a label.

Wraps :func:`fundaudit.provenance.tokens.tokenize` (no second tokenizer): every token that no
exclusion rule removes (years, dates, document and list numbers, phone numbers, ordinals) is a
figure. Two refinements read the words after the number: a ``万`` before a noun takes the
counting word of the noun (``20 万贫困人口`` → 20 万人, ``1.5 万条`` → 万条), and a bare number
before ``余``/``多`` and a unit reads that unit (``1500 余名`` → 1500 名, bound min). The label
is the clause before the number (from the previous punctuation, without a leading 其中/另外/并…,
reaching back over a parenthesis that ends right before it: 社会资金（项目业主）27 亿元); when
that has fewer than two characters, the words after the unit are added.
A number with more digits than the data format holds (38, or 30 decimals) is left to the
coverage report. Bounds: 不低于/不少于/至少 and 以上/余 (min), 不超过/以内 (max), 约/左右 (approx).
"""

from __future__ import annotations

import re

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import (
    REACH,
    bound,
    clause_after,
    clause_before_parens,
    label,
    unit_after,
    writable,
)
from fundaudit.draft.model import Block, Fig, Outline, Paragraph
from fundaudit.provenance.tokens import Token


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Paragraph):
        return
    for i, line in enumerate(block.lines):
        for token in ctx.tokens.get(line.number, ()):
            fig = _figure(token, block, block.starts[i] + token.column, index)
            if fig is not None:
                yield fig


def _figure(token: Token, block: Paragraph, offset: int, index: int) -> Fig | None:
    text = block.text
    end = offset + len(token.value)
    after = text[end : end + 2 * REACH]  # a window, not the rest of a paragraph of 10^5 figures
    unit: str | None = token.unit
    k = offset
    while k > 0 and text[k - 1].isspace():
        k -= 1
    if token.excluded not in (None, "no-unit") or (k > 0 and text[k - 1] == "第") or not writable(token.value):
        return None  # excluded by a tokenizer rule, or an ordinal with a counting word (第 1 名)
    gap = re.match(r"\s*", after)
    rest = after[gap.end() if gap else 0 :]
    found_bound = None
    if unit == "万" or (unit and rest.startswith(unit) and unit_after(rest) not in (None, unit)):
        unit = unit_after(rest) or _noun_unit(rest)
    elif not unit:
        m = re.match(r"([余多])\s*", rest)
        if m:
            unit = unit_after(rest[m.end() :])
            found_bound = "min" if unit else None
        else:
            unit = unit_after(rest)
    if not unit or unit == "万" or (unit == "年" and re.fullmatch(r"(19|20)[0-9]{2}", token.value)):
        return None  # no unit, or a year whose 年 starts the next line
    before = clause_before_parens(text, offset)  # 社会资金（项目业主）271.24 亿元: named before the （）
    after_unit = rest[len(unit) :] if rest.startswith(unit) else rest[1:] if rest.startswith("万") else rest
    name = label(before, clause_after(after_unit, 0))
    return Fig(
        token.value,
        unit,
        token.line,
        token.column,
        name,
        found_bound or bound(before, after_unit),
        index,
        offset,
    )


def _noun_unit(rest: str) -> str | None:
    """``万`` before a noun: the counting word of the noun (贫困人口 → 万人, 农户 → 万户)."""
    m = re.match(r"万([\u4e00-\u9fff]{0,8}?)(人口|人次|人|户|亩|名)", rest)
    if not m:
        return None
    word = m.group(2)
    return "万人" if word == "人口" else "万" + word


EXTRACTOR = Extractor(
    "figures",
    "Figures of running text, with units, bounds and labels",
    frozenset({"paragraph"}),
    frozenset(),
    frozenset({"figure"}),
    extract,
    __doc__ or "",
)
