"""The bulk wording and writing (:mod:`fundaudit.report.pieces`) against the per-finding one.

The streamed JSON of a large audit is assembled from pieces worded once per figure and per
relation; these tests hold it to the per-finding path (:func:`fundaudit.judge.explain`,
:func:`fundaudit.report.jsonout.finding_json`) byte for byte, and its exact integer
arithmetic to the ``Decimal``/``Fraction`` definitions it replaced.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from fundaudit.findings import materiality_words, plain, shifted
from fundaudit.numbers import Written, format_scaled
from fundaudit.units import parse_unit

UNITS = ("万元", "亿元", "元", "人", "万人", "%", "公里", "千瓦", "个", "千伏安", "元/人", "万元/公里")


def _old_materiality(diff: str, unit_text: str, total: Written) -> tuple[str, str, str | None]:
    """The definition :func:`materiality_words` replaced: ``Decimal`` shifts and a ``Fraction`` ratio."""
    from fundaudit.units import base_word

    unit = parse_unit(unit_text)
    word = base_word(unit.dimension)
    d = Decimal(diff).copy_abs()
    if word is None:
        word, amount = unit.text, d
    else:
        amount = shifted(d, unit.pow10)
    t = abs(Fraction(total.to_decimal()))
    percent = shifted(Decimal(round(Fraction(d) / t * 10000)), -2) if t else None
    return format(plain(amount), "f"), word, None if percent is None else str(percent)


@given(
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.integers(min_value=-30, max_value=0),
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.integers(min_value=-30, max_value=8),
    st.sampled_from(UNITS),
)
def test_materiality_words_equal_the_decimal_definition(
    diff: int, diff_exp: int, coefficient: int, exponent: int, unit: str
) -> None:
    """Exact integers give the texts the ``Decimal``/``Fraction`` arithmetic gave, digit for digit
    (ties of the percentage rounded half to even, a zero total without a percentage)."""
    text = format_scaled(diff, diff_exp)
    total = Written(coefficient, exponent)
    assert materiality_words(text, parse_unit(unit), coefficient, exponent) == _old_materiality(text, unit, total)


def test_materiality_percent_ties_round_to_even() -> None:
    """1, 3 and 5 元 of 20000 元 are 0.5, 1.5 and 2.5 hundredths of a percent: to the even one."""
    percents = [materiality_words(d, parse_unit("元"), 20000, 0)[2] for d in ("1", "3", "5", "-5", "0")]
    assert percents == ["0.00", "0.02", "0.02", "0.02", "0.00"]
    assert materiality_words("1.5", parse_unit("万元"), 0, -2) == ("15000", "元", None)
    assert materiality_words("0.0100", parse_unit("千伏安"), 3, 0) == ("0.01", "千伏安", "0.33")
