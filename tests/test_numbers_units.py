"""Exact numbers and units: property tests for parsing, formatting and conversion."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundaudit.numbers import NumberError, format_scaled, parse_number
from fundaudit.units import UnitError, parse_unit

written = st.builds(
    lambda whole, frac: whole + (("." + frac) if frac else ""),
    st.from_regex(r"(0|[1-9][0-9]{0,12})", fullmatch=True),
    st.from_regex(r"[0-9]{0,6}", fullmatch=True),
)


@given(written)
def test_parse_keeps_every_written_digit(text: str) -> None:
    w = parse_number(text)
    assert w.text() == text
    assert w.to_decimal() == Decimal(text)
    assert w.decimals == (len(text.split(".")[1]) if "." in text else 0)


def test_trailing_zero_is_kept() -> None:
    w = parse_number("12.10")
    assert (w.coefficient, w.exponent, w.text()) == (1210, -2, "12.10")


@given(st.lists(written, min_size=1, max_size=30))
def test_scaled_integer_sum_equals_decimal_sum(texts: list[str]) -> None:
    nums = [parse_number(t) for t in texts]
    e = min(n.exponent for n in nums)
    total = sum(n.coefficient * 10 ** (n.exponent - e) for n in nums)
    assert Decimal(format_scaled(total, e)) == sum((Decimal(t) for t in texts), Decimal(0))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("5,295", "thousands separator"),
        ("１２", "full-width"),
        ("1e3", "exponent"),
        ("+3", "leading '+'"),
        ("nan", "not a stated amount"),
        ("007", "leading zero"),
        ("1.2.3", "not a number"),
        ("", "empty"),
    ],
)
def test_bad_numbers_are_explained(text: str, reason: str) -> None:
    with pytest.raises(NumberError, match=re.escape(reason)):
        parse_number(text)


@pytest.mark.parametrize(
    ("unit", "dimension", "pow10"),
    [
        ("元", "money", 0),
        ("万元", "money", 4),
        ("亿元", "money", 8),
        ("万人", "people", 4),
        ("名", "people", 0),
        ("万名", "people", 4),
        ("人次", "person-times", 0),
        ("座", "count:座", 0),
        ("万亩", "area-mu", 4),
        ("公里", "length", 3),
        ("%", "percent", 0),
        ("个", "count:个", 0),
        ("万户", "households", 4),
        ("万元/公里", "money/length", 1),
    ],
)
def test_units(unit: str, dimension: str, pow10: int) -> None:
    u = parse_unit(unit)
    assert (u.dimension, u.pow10) == (dimension, pow10)


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["元", "万元", "亿元"]))
def test_money_conversion_is_exact(coefficient: int, unit: str) -> None:
    u = parse_unit(unit)
    yuan = coefficient * 10**u.pow10
    assert yuan // 10**8 * 10**8 + yuan % 10**8 == yuan
    assert Decimal(coefficient).scaleb(u.pow10 - 8) == Decimal(yuan).scaleb(-8)  # 亿元 view
    assert parse_unit("亿元").pow10 - parse_unit("万元").pow10 == 4  # 1 亿元 = 10^4 万元


def test_unknown_unit() -> None:
    with pytest.raises(UnitError, match="unknown unit"):
        parse_unit("美元")
