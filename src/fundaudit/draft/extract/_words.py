"""Words the extractors share: clause boundaries, labels, funding sources, units, bounds."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from fundaudit.draft.model import Fig
from fundaudit.numbers import MAX_DECIMALS, MAX_DIGITS
from fundaudit.provenance.tokens import UNITS
from fundaudit.units import UnitError, parse_unit

CLAUSE_END = '，。；：、,;:（）()“”"《》！？\n'
SENTENCE_END = "。；;！？"
_LEAD = re.compile(r"^(其中|另外|此外|同时|并|及|和|与)+")
_BOUND_BEFORE = (("不低于", "min"), ("不少于", "min"), ("至少", "min"), ("不超过", "max"), ("约", "approx"))
_BOUND_AFTER = (("以上", "min"), ("余", "min"), ("多", "min"), ("以内", "max"), ("以下", "max"), ("左右", "approx"))

SOURCES = (
    ("中央", ("中央",)),
    ("省级", ("省级", "省财政", "省本级", "省预算", "省")),
    (
        "市县",
        ("市县", "县", "市、县", "市(州)", "市（州）", "县级", "区县", "县区", "市级", "地方", "市、区县", "县(区)"),
    ),
    ("社会", ("社会", "自筹", "业主", "银行", "贷款", "企业", "群众", "融资")),
)


@cache
def unit_ok(text: str) -> bool:
    try:
        parse_unit(text)
    except UnitError:
        return False
    return True


def writable(value: str) -> bool:
    """Digits the data format can hold (the limits of :mod:`fundaudit.numbers`)."""
    whole, _, decimals = value.partition(".")
    return len((whole + decimals).lstrip("0")) <= MAX_DIGITS and len(decimals) <= MAX_DECIMALS


def unit_after(text: str) -> str | None:
    """The longest unit that starts ``text`` (``万平方米`` before ``万``), or None."""
    for n in range(min(6, len(text)), 0, -1):
        cand = text[:n]
        if re.fullmatch(r"[\u4e00-\u9fff%/]+", cand) and unit_ok(cand):
            return cand
    return None


def clause_before(text: str, offset: int) -> str:
    """The words of the clause that ends at ``offset`` (back to the previous punctuation)."""
    k = offset
    while k > 0 and (text[k - 1] not in CLAUSE_END or _joined(text, k - 1)):
        k -= 1
    return text[k:offset].strip()


def clause_before_parens(text: str, offset: int) -> str:
    """:func:`clause_before`, reaching back over parentheses that end right before it:
    ``社会资金（项目业主）271.24`` → 社会资金（项目业主）, ``市（州）和县（市、区）政府筹集 68.59`` → all of it."""
    k = offset
    while k > 0 and (text[k - 1] not in CLAUSE_END or _joined(text, k - 1)):
        k -= 1
    while k > 0 and text[k - 1] in "）)":
        depth, j = 0, k - 1
        while j >= 0:
            depth += text[j] in "）)"
            depth -= text[j] in "（("
            if depth == 0:
                break
            j -= 1
        if j < 0 or re.fullmatch(r"[一二三四五六七八九十0-9]+", text[j + 1 : k - 1]):
            break  # （三） numbers a heading: not part of a name
        k = j
        while k > 0 and (text[k - 1] not in CLAUSE_END or _joined(text, k - 1)):
            k -= 1
    return text[k:offset].strip()


def _joined(text: str, k: int) -> bool:
    """``市、县`` / ``市、区县``: a 、 inside one name, not between two clauses."""
    return text[k] == "、" and k > 0 and text[k - 1] == "市" and text[k + 1 : k + 2] in ("县", "区")


def clause_after(text: str, offset: int) -> str:
    k = offset
    while k < len(text) and text[k] not in CLAUSE_END:
        k += 1
    return text[offset:k].strip()


_FIGURE_IN_TEXT = re.compile(
    r"[0-9.]+\s*(?:%|[年月日]|(?:万|亿)?(?:" + "|".join(re.escape(u) for u in UNITS if u != "%") + "))?"
)


def label(before: str, after: str) -> str:
    """A name for a figure: the words before it in its clause (whole, from the clause start)."""
    words = _FIGURE_IN_TEXT.sub(" ", before)  # earlier figures of the clause, with their units
    words = re.sub(r"\s+", "", words).strip("*#·- ")
    words = _LEAD.sub("", words) or words
    if len(re.findall(r"[\u4e00-\u9fff]", words)) < 2:
        tail = re.sub(r"[0-9.%\s]+", "", after)
        words = (words + tail).strip("*#·- ")
    return words or "figure"


def bound(before: str, after: str) -> str | None:
    for word, b in _BOUND_BEFORE:
        if before.rstrip().endswith(word) or before.rstrip().endswith(word + "达到"):
            return b
    for word, b in _BOUND_AFTER:
        if after.lstrip().startswith(word):
            return b
    return None


def source_key(words: str) -> str | None:
    """The canonical funding source a label names (中央, 省级, 市县, 社会), or None."""
    words = words.replace(" ", "")
    words = re.sub(r"^(其中|包括|含|争取|计划|投入|安排|整合)+", "", words)
    if "中央" in words and "省" in words and words.index("中央") < 4:
        return "中央省级"
    for key, marks in SOURCES:
        for mark in marks:
            if words.startswith(mark) or (len(words) <= 8 and mark in words and mark != "省"):
                return key
    return None


@cache
def dimension(unit: str) -> str:
    try:
        return parse_unit(unit).dimension
    except UnitError:
        return unit


@cache
def amount(value: str, unit: str) -> Decimal:
    """The exact amount of a figure in its dimension's base unit (for plausibility only)."""
    return Decimal(value).scaleb(parse_unit(unit).pow10)


def plausible(total: tuple[str, str], parts: list[tuple[str, str]]) -> bool:
    """Parts summing to between half and twice the total: a reading, not a misreading.

    A real slip is off by a little; a list that sums to a fraction or a multiple of the figure
    before it was not its breakdown (a nested 含…, two lists in one sentence).
    """
    t = amount(*total)
    s = sum((amount(*p) for p in parts), Decimal(0))
    return t > 0 and t / 2 <= s <= t * 2


def sentences(text: str, figs: list[Fig], ends: str = SENTENCE_END) -> list[list[Fig]]:
    """The figures of a paragraph (in order) grouped by sentence: a new one after any of ``ends``."""
    out: list[list[Fig]] = []
    current: list[Fig] = []
    last = 0
    for f in figs:
        if any(c in text[last : f.offset] for c in ends) and current:
            out.append(current)
            current = []
        current.append(f)
        last = f.offset
    if current:
        out.append(current)
    return out
