"""The verdicts: exact match, rounding within the stated digits, mismatch beyond them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fundaudit.findings import Relation, Verdict
from fundaudit.judge import evaluate
from fundaudit.model import Figure, Loc
from fundaudit.numbers import parse_number
from fundaudit.tolerance import Policy, Tolerance
from fundaudit.units import parse_unit


def fig(text: str, unit: str = "亿元", label: str = "x") -> Figure:
    return Figure(f"t::p:{label}", label, parse_number(text), parse_unit(unit), Loc("s.txt", 1), Loc("d.yaml", 1))


def rel(total: Figure, *parts: Figure, kind: str = "sum") -> Relation:
    return Relation("r", "foot", kind, total, parts, "subject", "what", "t", "p")


def verdict(total: str, *parts: str, kind: str = "sum", policy: Policy = Policy.DIGITS) -> Verdict:
    return evaluate([rel(fig(total), *(fig(p) for p in parts), kind=kind)], Tolerance(policy))[0].verdict


def test_examples() -> None:
    assert verdict("194.08", "125.82", "54.68", "13.58") is Verdict.MATCH
    assert verdict("7.73", "3.58", "4.16") is Verdict.ROUNDING  # off by 0.01, allowance 0.015
    assert verdict("7.73", "3.58", "4.20") is Verdict.MISMATCH
    assert verdict("50", "40", "11") is Verdict.MISMATCH  # integers are exact by default
    assert verdict("50", "40", "11", policy=Policy.DIGITS_ALL) is Verdict.ROUNDING  # ±0.5 each
    assert verdict("50", "40", "12", policy=Policy.DIGITS_ALL) is Verdict.MISMATCH
    assert verdict("7.73", "3.58", "4.16", policy=Policy.EXACT) is Verdict.MISMATCH
    assert verdict("10", "3", "4", kind="sum-le") is Verdict.WITHIN
    assert verdict("10", "3", "8", kind="sum-le") is Verdict.MISMATCH


def test_units_convert_exactly_inside_a_sum() -> None:
    f = evaluate([rel(fig("1.5"), fig("10000", "万元"), fig("5000", "万元"))])[0]
    assert f.verdict is Verdict.MATCH and Decimal(f.parts_sum) == Decimal("1.5") and f.diff == "0.0000"


def test_mixed_dimensions_are_an_error() -> None:
    f = evaluate([rel(fig("1.5"), fig("2", "万亩"))])[0]
    assert f.verdict is Verdict.ERROR and "mixes dimensions" in f.message


def test_the_judge_only_judges() -> None:
    # the diagnosis of a failing relation is fundaudit.causes' (tests/causes): no hint here
    f = evaluate([rel(fig("10.5", "万元"), fig("10", "万元"), fig("0.5", "元"))])[0]
    assert f.verdict is Verdict.MISMATCH and f.hint is None and f.diagnosis is None


def test_cumulative_decrease_is_a_mismatch() -> None:
    r = rel(
        fig("520", "万元"),
        fig("100", "万元", "Q1"),
        fig("90", "万元", "Q2"),
        fig("520", "万元", "Q4"),
        kind="cumulative",
    )
    f = evaluate([r])[0]
    assert f.verdict is Verdict.MISMATCH and "falls from Q1 100 万元 to Q2 90 万元" in f.message
    ok = rel(fig("520", "万元"), fig("100", "万元"), fig("200", "万元"), fig("520", "万元"), kind="cumulative")
    assert evaluate([ok])[0].verdict is Verdict.MATCH


def test_product() -> None:
    r = rel(fig("600", "万元"), fig("50", "万元/公里"), fig("12", "公里"), kind="product")
    assert evaluate([r])[0].verdict is Verdict.MATCH
    r = rel(fig("64.42", "万元"), fig("12600", "元/人"), fig("48", "人"), kind="product")
    assert evaluate([r])[0].verdict is Verdict.MISMATCH
    r = rel(fig("85", "万元"), fig("100", "万元"), fig("85", "%"), kind="product")
    assert evaluate([r])[0].verdict is Verdict.MATCH


amounts = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12)


@settings(max_examples=300)
@given(amounts, st.integers(min_value=0, max_value=4))
def test_exact_parts_match_their_exact_sum(values: list[int], decimals: int) -> None:
    parts = [format(Decimal(v).scaleb(-decimals), "f") for v in values]
    total = format(Decimal(sum(values)).scaleb(-decimals), "f")
    assert verdict(total, *parts) is Verdict.MATCH


@settings(max_examples=300)
@given(amounts, st.integers(min_value=1, max_value=3), st.integers(min_value=1, max_value=3))
def test_rounded_parts_fall_within_tolerance(values: list[int], fine: int, coarse: int) -> None:
    """Parts and total each rounded from exact values never make a mismatch."""
    exact = [Decimal(v).scaleb(-(coarse + fine)) for v in values]
    q = Decimal(1).scaleb(-coarse)
    parts = [str(x.quantize(q, rounding=ROUND_HALF_UP)) for x in exact]
    total = str(sum(exact, Decimal(0)).quantize(q, rounding=ROUND_HALF_UP))
    assert verdict(total, *parts) in (Verdict.MATCH, Verdict.ROUNDING)


@settings(max_examples=300)
@given(amounts, st.integers(min_value=1, max_value=3))
def test_error_beyond_allowance_is_a_mismatch(values: list[int], decimals: int) -> None:
    parts = [format(Decimal(v).scaleb(-decimals), "f") for v in values]
    slack = len(values) + 1  # allowance is (n+1) half-units: shift by more than that
    total = format(Decimal(sum(values) + slack).scaleb(-decimals), "f")
    assert verdict(total, *parts) is Verdict.MISMATCH


@given(st.lists(st.integers(min_value=-(10**30), max_value=10**30), min_size=1, max_size=5))
def test_values_beyond_int64_stay_exact(values: list[int]) -> None:
    parts = [str(v) for v in values]
    assert verdict(str(sum(values)), *parts) is Verdict.MATCH
    assert verdict(str(sum(values) + 1), *parts) is Verdict.MISMATCH


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_quantities_convert_exactly_inside_their_dimension(a: int, b: int) -> None:
    """万人 and 人 (and 万亩/亩, 公里/米) add exactly: x 万人 = x·10^4 人."""
    for big, small in (("万人", "人"), ("万亩", "亩"), ("公里", "米"), ("万户", "户")):
        total = fig(str(a * 10 ** parse_unit(big).pow10 + b), small)
        r = rel(total, fig(str(a), big), fig(str(b), small))
        assert evaluate([r])[0].verdict is Verdict.MATCH
        off = rel(fig(str(a * 10 ** parse_unit(big).pow10 + b + 1), small), fig(str(a), big), fig(str(b), small))
        assert evaluate([off])[0].verdict is Verdict.MISMATCH


@given(
    st.sampled_from(["亿元", "万人", "个", "公里", "万亩", "%", "户"]),
    st.sampled_from(["亿元", "万人", "个", "公里", "万亩", "%", "户"]),
)
def test_two_dimensions_in_one_relation_are_an_error(u1: str, u2: str) -> None:
    f = evaluate([rel(fig("3", u1), fig("1", u1), fig("2", u2))])[0]
    if parse_unit(u1).dimension == parse_unit(u2).dimension:
        assert f.verdict is Verdict.MATCH
    else:
        assert f.verdict is Verdict.ERROR and "mixes dimensions" in f.message
