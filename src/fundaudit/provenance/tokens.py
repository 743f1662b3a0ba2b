"""A tokenizer for figures in Chinese government documents converted to plain text.

It finds Arabic-digit numbers with their unit (``194.08 亿元``, ``20 万贫困人口``, ``85%``),
numbers broken across lines (``中央资金 8.4`` / blank / ``亿元``), full-width digits, and
table cells whose unit is in a header (``单位：万元``, ``资金投入 (万元)``). What is not a
budget fact (years, dates, document numbers, list and page numbers, phone numbers) is
excluded by a named rule, so the coverage report can say what it left out and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from fundaudit.i18n import N_

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％，：（）　", "0123456789.%,:() ")

# longest first, so 万元 wins over 元 and 平方公里 over 公里
UNITS = sorted(
    """亿元 万元 元 万人次 人次 万人 人 万户 户 万亩 亩 平方公里 公里 千米 米 % 个 座 处 所 场次 场 名 万头 头
    万只 只 家 件 台 万千瓦 千瓦 千伏安 兆瓦 吨 条 次 项 间 套 张 本 期 批 村 县 乡镇 口 天 万册 册 辆 栋
    万方 立方米 万平方米 平方米 公顷 班 校 例 床 人天 倍 万元/公里 万元/人 元/人 户次 种""".split(),
    key=len,
    reverse=True,
)
MONEY = ("亿元", "万元", "元")
_NUM = r"(?<![0-9A-Za-z.])([0-9]+(?:\.[0-9]+)?)"
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
_TOKEN = re.compile(_NUM + r"[ \t]*(" + _UNIT_RE + r"|万(?=[^\s0-9]))?")
_HEADER_UNIT = re.compile(r"单位[:：]\s*(" + _UNIT_RE + r")|[（(]\s*(" + _UNIT_RE + r")\s*[)）]")


@dataclass(frozen=True, slots=True)
class Token:
    """A figure-like token: its digits, unit (``""`` when none), line and why it is excluded."""

    value: str
    unit: str
    line: int
    column: int
    excluded: str | None = None  # the exclusion rule's name, or None when it counts
    cell: bool = False  # a table cell whose unit comes from a header

    @property
    def is_money(self) -> bool:
        return self.unit in MONEY


EXCLUSION_RULES = {
    "year": N_("a year (2020 年, 2016—2020, 十三五 years)"),
    "date": N_("a month or day (3 月, 10 日)"),
    "document-number": N_("a document number (〔2018〕11号)"),
    "list-number": N_("a list, section or page number (1. / （一） / 第 3 章 / table-of-contents page)"),
    "row-number": N_("a table's 序号: the whole integer first cell of a tab-separated row"),
    "phone": N_("a phone or fax number"),
    "ordinal": N_("an ordinal or rank (第 1 名, 第二季度)"),
    "no-unit": N_("a bare number with no unit in the text or in a table header"),
}


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, so ``１２.５亿元`` reads ``12.5亿元``."""
    return text.translate(_FULLWIDTH)


def tokenize(text: str) -> list[Token]:
    """Every figure-like token of a document, with its 1-based line."""
    lines = normalise(text).split("\n")
    out: list[Token] = []
    header_unit: str | None = None
    header_age = 0
    for i, line in enumerate(lines):
        m = _HEADER_UNIT.search(line)
        if m and ("单位" in line or "\t" in line or len(line) < 60):
            header_unit = m.group(1) or m.group(2)
            header_age = 0
        elif not line.strip():
            pass
        elif "\t" not in line:
            header_age += 1
            if header_age > 3:
                header_unit = None
        out.extend(_line_tokens(lines, i, _row_unit(line) or header_unit if "\t" in line else None))
    return out


def _row_unit(line: str) -> str | None:
    """A table row with its own 单位 column (``新建茶叶基地\t万亩\t2\t…``): that cell's unit."""
    for cell in line.split("\t"):
        cell = cell.strip()
        if cell in UNITS:
            return cell
        m = re.fullmatch(r"(" + _UNIT_RE + r")[(（][^)）]*[)）]", cell)
        if m:
            return m.group(1)
    return None


def _next_text(lines: list[str], i: int) -> str:
    for j in range(i + 1, min(i + 4, len(lines))):
        if lines[j].strip():
            return lines[j].lstrip()
    return ""


def _line_tokens(lines: list[str], i: int, table_unit: str | None) -> Iterator[Token]:
    line = lines[i]
    text_end = len(line.rstrip())  # per line, not per token: a line of 10^5 figures stays linear
    for m in _TOKEN.finditer(line):
        value, unit = m.group(1), m.group(2) or ""
        end = m.end()
        if not unit and end >= text_end:
            # a number at the end of the line: its unit may start the next line
            nxt = _next_text(lines, i)
            um = re.match(_UNIT_RE, nxt)
            if um:
                unit = um.group(0)
        cell = False
        if not unit and table_unit and _is_cell(line, m.start(1), m.end(1)):
            unit, cell = table_unit, True
        excluded = _exclusion(line, m.start(1), m.end(1), value, unit)
        yield Token(value, unit, i + 1, m.start(1), excluded, cell)


_LIST_MARK = re.compile(r"[.、．]\s*\S")


def _only_marks(line: str, start: int) -> bool:
    """``line[:start]`` is blanks, ``#`` or ``*`` marks, blanks (a list number's place)."""
    k = 0
    while k < start and line[k].isspace():
        k += 1
    while k < start and line[k] in "#*":
        k += 1
    while k < start and line[k].isspace():
        k += 1
    return k == start


def _after_leader(line: str, start: int) -> bool:
    """``line[:start]`` ends with three leader dots (``·…．.``) and blanks (a contents line)."""
    k = start
    while k > 0 and line[k - 1].isspace():
        k -= 1
    return k >= 3 and all(c in "·…．." for c in line[k - 3 : k])


def _is_cell(line: str, start: int, end: int) -> bool:
    cut = line.find("\t", end)
    before = line[line.rfind("\t", 0, start) + 1 : start]  # the cell only: linear in a row of many cells
    after = line[end : cut if cut >= 0 else len(line)]
    return before.strip() == "" and after.strip() == ""


def _exclusion(line: str, start: int, end: int, value: str, unit: str) -> str | None:
    # Only the text near the figure is sliced (a figure of a 10^5-figure line costs no copy of the line).
    a = end
    while a < len(line) and line[a] == " ":
        a += 1
    after = line[a : a + 80]
    b = start
    while b > 0 and line[b - 1] == " ":
        b -= 1
    before = line[max(0, b - 8) : b]  # its end: the suffixes below are one character long
    if after.startswith(("年", "—20", "-20", "～20", "至20")) and "." not in value:
        return "year"
    if after.startswith(("月", "日")):
        return "date"
    if before.endswith(("〔", "[", "［")) or after.startswith(("〕", "号", "]")):
        return "document-number"
    if b == 0 and "." not in value and line.startswith("\t", end) and "\t" in line:
        return "row-number"
    if _only_marks(line, start) and _LIST_MARK.match(line, a):
        return "list-number"
    if before.endswith(("第", "（", "(")) and not unit:
        return "ordinal" if before.endswith("第") else "list-number"
    if not unit and _after_leader(line, start):
        return "list-number"
    if re.search(r"\d{3,4}-\d{7,8}", line[max(0, start - 5) : end + 9]):
        return "phone"
    if not unit:
        return "no-unit"
    return None
