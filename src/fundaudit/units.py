"""Units of the documents and their exact conversion inside one dimension.

A unit is a base counting word (元, 人, 亩, 公里, 个 …) with an optional power-of-ten prefix
(万 = 10^4, 亿 = 10^8, 千 = 10^3). Figures of one dimension convert exactly; figures of two
dimensions never meet in one sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fundaudit.i18n import _

# base word -> dimension name. Different counting words are different dimensions:
# 个 villages and 户 households do not add up.
_BASES: dict[str, tuple[str, int]] = {
    "元": ("money", 0),
    "%": ("percent", 0),
    "倍": ("multiple", 0),  # 放大比例不低于 3 倍
    "人": ("people", 0),
    "名": ("people", 0),  # 名 counts people as 人 does (73851 名 学生 = 7.3851 万人)
    "人次": ("person-times", 0),
    "户": ("households", 0),
    "亩": ("area-mu", 0),
    "平方米": ("area", 0),
    "公顷": ("area", 4),
    "平方公里": ("area", 6),
    "米": ("length", 0),
    "公里": ("length", 3),
    "千米": ("length", 3),
    "千瓦": ("power", 3),
    "瓦": ("power", 0),
    "千伏安": ("apparent-power", 3),
    "兆瓦": ("power", 6),
    "吨": ("mass", 0),
    "立方米": ("volume", 0),
    "方": ("volume", 0),
}
# counting words: each its own dimension, named after itself
_COUNTERS = [
    "个",
    "座",
    "处",
    "所",
    "场",
    "场次",
    "头",
    "只",
    "件",
    "台",
    "条",
    "次",
    "项",
    "间",
    "套",
    "张",
    "本",
    "期",
    "批",
    "村",
    "县",
    "乡镇",
    "乡",
    "镇",
    "口",
    "家",
    "支",
    "辆",
    "部",
    "册",
    "篇",
    "份",
    "种",
    "门",
    "盏",
    "块",
    "棵",
    "株",
    "眼",
    "根",
    "基",
    "站",
    "宗",
    "位",
    "组",
    "队",
    "校",
    "园",
    "片",
    "对",
    "例",
    "床",
    "班",
    "年",
    "月",
    "天",
    "课时",
    "学时",
    "人天",
    "户次",
    "个次",
    "栋",
    "套次",
    "处次",
]
_PREFIXES = {"万": 4, "亿": 8, "千": 3, "百": 2, "十万": 5, "百万": 6, "千万": 7}


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as written, its dimension, and its power of ten relative to the base unit."""

    text: str
    dimension: str
    pow10: int

    @property
    def is_money(self) -> bool:
        return self.dimension == "money"


class UnitError(ValueError):
    """A unit fundaudit does not know."""


@cache
def parse_unit(text: str) -> Unit:
    """Return the :class:`Unit` for ``text`` (e.g. ``亿元`` → money, 10^8), or raise UnitError."""
    if "/" in text:
        num, _sep, den = text.partition("/")
        try:
            a, b = parse_unit(num), parse_unit(den)
        except UnitError as exc:
            raise UnitError(_("unknown unit {text!r} ({exc})").format(text=text, exc=exc)) from None
        return Unit(text, f"{a.dimension}/{b.dimension}", a.pow10 - b.pow10)
    if text in _BASES:
        dim, p = _BASES[text]
        return Unit(text, dim, p)
    if text in _COUNTERS:
        return Unit(text, f"count:{text}", 0)
    for prefix, p in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(prefix) and len(text) > len(prefix):
            base = text[len(prefix) :]
            if base in _BASES:
                dim, q = _BASES[base]
                return Unit(text, dim, p + q)
            if base in _COUNTERS:
                return Unit(text, f"count:{base}", p)
    raise UnitError(_("unknown unit {text!r}").format(text=text))


@cache
def base_word(dimension: str) -> str | None:
    """The word of a dimension's base unit (元 for money, 米 for length, 个 for ``count:个``,
    元/人 for money per person); ``None`` when the format has no word for it (伏安)."""
    if "/" in dimension:
        num, _sep, den = dimension.partition("/")
        a, b = base_word(num), base_word(den)
        return None if a is None or b is None else f"{a}/{b}"
    if dimension.startswith("count:"):
        return dimension.split(":", 1)[1]
    return next((word for word, (dim, p) in _BASES.items() if dim == dimension and p == 0), None)


def known_units() -> list[str]:
    """Every base unit word, for error messages and the JSON schema."""
    return sorted([*_BASES, *_COUNTERS])
