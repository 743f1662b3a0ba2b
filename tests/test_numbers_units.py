"""Exact numbers and units: property tests for parsing, formatting and conversion."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
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


def _naive_trailing(n: int, base: int, most: int | None) -> tuple[int, int]:
    count = 0
    while (most is None or count < most) and n % base == 0:
        if n == 0:
            return 0, most or 0
        n //= base
        count += 1
    return n, count


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=0, max_value=80),
    st.sampled_from([2, 5, 10]),
    st.one_of(st.none(), st.integers(min_value=-2, max_value=90)),
)
def test_trailing_divides_out_what_the_loop_did(n: int, zeros: int, base: int, most: int | None) -> None:
    from fundaudit.numbers import trailing

    n *= base**zeros
    assert trailing(n, base, most) == _naive_trailing(n, base, most)


def test_trailing_takes_few_divisions_for_thousands_of_zeros() -> None:
    """One factor at a time took k divisions of a k-digit number (figures 2,000 places apart made
    a check 28 times slower); the powers take about log2(k) of them."""
    import time

    from fundaudit.numbers import trailing

    n = 7 * 10**20_000
    start = time.perf_counter()
    assert trailing(n, 10) == (7, 20_000)
    assert trailing(n, 10, 12_345) == (7 * 10**7_655, 12_345)
    assert trailing(n, 5) == (7 * 2**20_000, 20_000)
    assert time.perf_counter() - start < 2  # the loop: minutes
