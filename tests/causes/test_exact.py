"""The causes' integer arithmetic against plain ``Fraction`` arithmetic, on generated values.

``written``, ``rounded``, ``truncated`` and ``near_reading`` compute on scaled integers, and
the causes re-judge a corrected relation with ``judged_with`` without building it; each is
checked here against the straightforward exact definition it replaced.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import event, given, settings
from hypothesis import strategies as st

from fundaudit.causes._base import (
    Edit,
    holds_with,
    judged_with,
    near_reading,
    rounded,
    same_value,
    substituted,
    truncated,
    written,
)
from fundaudit.findings import HOLDS
from fundaudit.judge import verdict
from fundaudit.numbers import Written
from fundaudit.tolerance import Policy, Tolerance
from fundaudit.units import parse_unit
from tests.causes.helpers import fig, rel

fractions = st.builds(
    Fraction,
    st.integers(-(10**30), 10**30),
    st.sampled_from([1, 2, 3, 4, 5, 7, 8, 10, 16, 20, 25, 40, 125, 1000, 3 * 10**6, 2**9 * 5**3, 10**12]),
)
writtens = st.builds(Written, st.integers(-(10**12), 10**12), st.integers(-8, 6))


def _written_reference(x: Fraction, max_decimals: int) -> Written | None:
    for d in range(max_decimals + 1):
        scaled = x * 10**d
        if scaled.denominator == 1:
            c, e = int(scaled), -d
            while e < 0 and c % 10 == 0:
                c, e = c // 10, e + 1
            return Written(c, e)
    return None


def _rounded_reference(x: Fraction, exponent: int, up: bool) -> Written:
    q = x / Fraction(10) ** exponent
    n = abs(q)
    r = int(n) + (1 if up and n - int(n) >= Fraction(1, 2) else 0)
    return Written(r if q >= 0 else -r, exponent)


@given(fractions, st.integers(-2, 9))
def test_written_is_the_fewest_exact_decimals(x: Fraction, places: int) -> None:
    assert written(x, places) == _written_reference(x, places)


@given(fractions, st.integers(-6, 6))
def test_rounded_and_truncated_as_fractions_would(x: Fraction, exponent: int) -> None:
    assert rounded(x, exponent) == _rounded_reference(x, exponent, True)
    assert truncated(x, exponent) == _rounded_reference(x, exponent, False)


@given(writtens, writtens)
def test_same_value_is_equality_of_the_numbers(a: Written, b: Written) -> None:
    assert same_value(a, b) == (a.to_decimal() == b.to_decimal())


UNITS = ["元", "万元", "亿元", "人", "万人", "%"]
MONEY = ["元", "万元", "亿元"]


def _near_reading_reference(edit: Edit, up: bool, restated: bool) -> bool:
    from fundaudit.causes._base import NEAR, base_value, precision

    old, new = edit.figure.value, edit.value
    if new is None or old.coefficient == 0 or new.coefficient == 0:
        return False
    p = precision(old, restated)
    if new.exponent + edit.unit.pow10 >= p + edit.figure.unit.pow10:
        return False
    x = base_value(new, edit.unit) / Fraction(10) ** edit.figure.unit.pow10
    if abs(base_value(old, edit.figure.unit) / Fraction(10) ** edit.figure.unit.pow10 - x) > NEAR * abs(x):
        return False
    got = _rounded_reference(x, p, up)
    return got.coefficient * 10 ** (got.exponent - old.exponent) == old.coefficient


@settings(max_examples=400)
@given(
    st.integers(1, 10**7),
    st.integers(-4, 3),
    st.integers(-(10**9), 10**9),
    st.integers(-8, 1),
    st.sampled_from(["元", "万元", "亿元"]),
    st.sampled_from(["元", "万元", "亿元"]),
    st.booleans(),
    st.integers(0, 2),
)
def test_near_reading_as_fractions_would(
    c_old: int, e_old: int, c_new: int, e_new: int, u_old: str, u_new: str, restated: bool, near: int
) -> None:
    if near:  # most generated pairs are far apart; make some a close reading of the other
        c_new = c_old * 10 ** (near + 1) + c_new % 10 ** (near + 1) - 5 * 10**near
        e_new, u_new = e_old - near - 1, u_old
    f = fig("t::a:x", f"{Written(c_old, e_old).text()} {u_old}")
    edit = Edit(f, Written(c_new, e_new), parse_unit(u_new))
    rels = [rel("r", f, f, rule="repeat" if restated else "foot")]
    for how, up in ((rounded, True), (truncated, False)):
        assert near_reading(edit, how, rels) == _near_reading_reference(edit, up, restated)


amounts = st.builds(lambda c, e: Written(c, e).text(), st.integers(0, 10**8), st.integers(-4, 0))


@settings(max_examples=500)
@given(
    st.lists(st.tuples(amounts, st.sampled_from(UNITS)), min_size=3, max_size=6),
    st.sampled_from(["sum", "sum-le", "product", "cumulative"]),
    st.integers(0, 5),
    st.tuples(amounts, st.sampled_from(UNITS)),
    st.booleans(),
    st.sampled_from(list(Policy)),
    st.booleans(),
)
def test_judged_with_is_the_verdict_of_the_substituted_relation(
    figures: list[tuple[str, str]],
    kind: str,
    which: int,
    replacement: tuple[str, str],
    extra: bool,
    policy: Policy,
    money: bool,
) -> None:
    if money:  # most relations are of one dimension: there a sum is re-judged from its kept terms
        figures = [(n, MONEY[UNITS.index(u) % 3]) for n, u in figures]
        replacement = (replacement[0], MONEY[UNITS.index(replacement[1]) % 3])
    figs = [fig(f"t::a:f{i}", f"{n} {u}") for i, (n, u) in enumerate(figures)]
    if kind == "product":
        figs = figs[:3]
    r = rel("r", figs[0], *figs[1:], kind=kind)
    target = figs[which % len(figs)]
    new = fig(target.ref, f"{replacement[0]} {replacement[1]}")
    second = figs[(which + 1) % len(figs)]
    finer = Written(new.value.coefficient * 10 + 1, new.value.exponent - 1).text()  # a finer grid than any
    both = {target.ref: new, second.ref: fig(second.ref, f"{finer} {second.unit.text}"), "t::b:y": new}
    added = (fig("t::a:extra", f"{replacement[0]} {replacement[1]}"),) if extra and kind != "product" else ()
    tol = Tolerance(policy)
    for subs in ({}, {target.ref: new}, both, {target.ref: target}):
        try:
            expected = verdict(substituted(r, subs, added), tol)
        except Exception as exc:  # the same error either way
            try:
                judged_with(r, subs, tol, added)
            except Exception as again:
                assert type(again) is type(exc)
            else:
                raise AssertionError("judged_with judged what verdict could not") from exc
            assert not holds_with(r, subs, tol, added)
            continue
        assert judged_with(r, subs, tol, added) == expected
        assert holds_with(r, subs, tol, added) == (expected in HOLDS)


@settings(max_examples=500)
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(-3, 0), st.sampled_from(MONEY)), min_size=2, max_size=5),
    st.integers(-3, 0),
    st.integers(-2, 2),
    st.integers(0, 5),
    st.integers(-2, 2),
    st.integers(0, 2),
    st.sampled_from(["sum", "sum-le"]),
    st.sampled_from(list(Policy)),
    st.booleans(),
)
def test_judged_with_near_the_tolerance(
    parts: list[tuple[int, int, str]],
    total_exponent: int,
    off: int,
    which: int,
    nudge: int,
    finer: int,
    kind: str,
    policy: Policy,
    repeat: bool,
) -> None:
    """Sums that hold or nearly hold, figures replaced by near values written with more digits."""
    figs = [fig(f"t::a:p{i}", f"{Written(c, e).text()} {u}") for i, (c, e, u) in enumerate(parts)]
    exact = sum(Fraction(c) * Fraction(10) ** (e + parse_unit(u).pow10) for c, e, u in parts)
    total = rounded(exact, total_exponent)
    total = Written(max(0, total.coefficient + off), total.exponent)
    head = fig("t::a:t", f"{total.text()} 元")
    r = rel("r", head, *figs, *((figs[0],) if repeat else ()), kind=kind)  # a figure twice: both replaced
    everyone = (r.total, *r.parts)
    target = everyone[which % len(everyone)]
    v = target.value
    near = Written(max(0, v.coefficient * 10**finer + nudge), v.exponent - finer)
    new = fig(target.ref, f"{near.text()} {target.unit.text}")
    other = everyone[(which + 1) % len(everyone)]
    both = {
        target.ref: new,
        other.ref: fig(other.ref, f"{Written(other.value.coefficient + 1, other.value.exponent).text()} 元"),
    }
    tol = Tolerance(policy)
    for subs in ({target.ref: new}, both, {}):
        expected = verdict(substituted(r, subs), tol)
        assert judged_with(r, subs, tol) == expected


@settings(max_examples=600)
@given(
    st.integers(1, 10**6),
    st.integers(-4, 1),
    st.sampled_from(["万元/人", "元/人", "%"]),
    st.integers(1, 10**5),
    st.integers(-3, 1),
    st.integers(-4, 4),
    st.integers(0, 2),
    st.integers(-3, 3),
    st.integers(0, 2),
    st.sampled_from(list(Policy)),
)
def test_product_shifts_never_passes_over_a_shift_that_holds(
    c_a: int, e_a: int, unit_a: str, c_b: int, e_b: int, slip: int, moved: int, nudge: int, places: int, policy: Policy
) -> None:
    """The bound decimal-shift checks before judging a product: every shift that holds passes it."""
    from fundaudit.causes._base import product_shifts, shifted

    a_unit, b_unit = (unit_a, "人") if unit_a != "%" else ("%", "万元")
    a, b = Written(c_a, e_a), Written(c_b, e_b)
    a_fig = fig("t::a:a", f"{a.text()} {a_unit}")
    b_fig = fig("t::a:b", f"{b.text()} {b_unit}")
    total_unit = "万元" if a_unit != "元/人" else "元"
    exact = Fraction(c_a * c_b) * Fraction(10) ** (e_a + e_b + (-2 if a_unit == "%" else 0))
    t = rounded(exact, -places)
    t = Written(max(0, t.coefficient + nudge), t.exponent)  # near the product, within or past rounding
    figs = [fig("t::a:t", f"{t.text()} {total_unit}"), a_fig, b_fig]
    # the slip: one figure's point moved by ``slip`` places (the shift that undoes it may hold)
    slipped = figs[moved]
    if slip and slipped.value.coefficient:
        figs[moved] = fig(slipped.ref, f"{shifted(slipped.value, slip).text()} {slipped.unit.text}")
    r = rel("r", figs[0], figs[1], figs[2], kind="product", rule="unit-cost")
    tol = Tolerance(policy)
    held = 0
    for f in (r.total, *r.parts):
        if f.value.coefficient == 0:
            continue
        may = product_shifts(r, f)
        for k in (-4, -3, -2, -1, 1, 2, 3, 4):
            if holds_with(r, {f.ref: fig(f.ref, f"{shifted(f.value, k).text()} {f.unit.text}")}, tol):
                held += 1
                assert may(k), (f.ref, k)
    event(f"a shift holds: {held > 0}")  # most examples have one: the assertion above is reached
