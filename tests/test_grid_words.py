"""The chunk-wide numbers of :mod:`fundaudit.report.grid` against the one-relation definitions.

Each array function is held to the Python-integer function it stands in for, on any
coefficients (int64 and past it), exponents and allowances: the texts of
:func:`fundaudit.numbers.format_scaled` and :func:`fundaudit.judge._render`, the integers of
:func:`fundaudit.judge.sum_on_grid` and :func:`~fundaudit.judge.product_on_grid`; what does
not fit int64 is said not to fit, never computed wrong.
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute  # noqa: F401  (loaded: scaled_texts writes with Arrow, as for tables read from Parquet)
from hypothesis import example, given
from hypothesis import strategies as st

from fundaudit.judge import _render, product_on_grid, sum_on_grid
from fundaudit.numbers import format_scaled
from fundaudit.report import grid

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
ANY = st.one_of(INT64, st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from([0, 1, -1, 10, 100, -500]))
SMALL = st.one_of(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from([0, 5, -5, 10**6, 25, 2**63 - 1]))


def _array(values: list[int]) -> np.ndarray:  # type: ignore[type-arg]
    try:
        return np.array(values, dtype=np.int64)
    except OverflowError:
        return np.array(values, dtype=object)


@given(st.lists(st.tuples(ANY, st.integers(min_value=-12, max_value=4)), max_size=40))
@example([(0, -7), (1, -7), (-5, -6), (2**63 - 1, -3), (-(2**63), -2), (7, 2), (0, 0)])
def test_scaled_texts_are_format_scaled(pairs: list[tuple[int, int]]) -> None:
    """Arrow's decimal text (scales 0-6) and the Python one agree digit for digit; past int64,
    more decimals or a positive exponent go to ``format_scaled`` itself."""
    coefficients = _array([c for c, _e in pairs])
    exponents = np.array([e for _c, e in pairs], dtype=np.int64)
    assert grid.scaled_texts(coefficients, exponents) == [format_scaled(c, e) for c, e in pairs]


@given(
    st.lists(
        st.tuples(st.integers(min_value=-(10**17), max_value=10**17), st.integers(-9, 3), st.integers(0, 7)),
        max_size=40,
    )
)
@example([(0, -4, 2), (-1200, -4, 0), (1200, -4, 1), (500, 2, 0), (10**17, -9, 0), (-10, -1, 0)])
def test_rendered_is_render(triples: list[tuple[int, int, int]]) -> None:
    """Trailing zeros dropped to the decimals kept, as ``_render`` drops them, zero included."""
    n, exp, keep = (np.array([t[i] for t in triples], dtype=np.int64) for i in range(3))
    assert grid.rendered(n, exp, keep) == [_render(a, b, c) for a, b, c in triples]


TERM = st.tuples(SMALL, st.integers(-8, 6), st.booleans())


@given(st.lists(st.lists(TERM, min_size=1, max_size=6), min_size=1, max_size=12))
@example([[(9 * 10**11, 6, False), (-9 * 10**11, 6, True), (1, 0, False)]])  # 18 * 10**18 past int64
def test_sums_are_sum_on_grid(relations: list[list[tuple[int, int, bool]]]) -> None:
    """Each relation (its total first) that fits gives ``sum_on_grid``'s grid, total, difference
    and allowance; one that could pass int64 is said not to fit."""
    flat = [t for rel in relations for t in rel]
    sizes = np.array([len(rel) for rel in relations], dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    c = np.array([t[0] for t in flat], dtype=np.int64)
    base = np.array([t[1] for t in flat], dtype=np.int64)
    has = np.array([t[2] for t in flat], dtype=bool)
    fits, g, value, diff, tol = grid.sums(c, base, base - 1, has, starts, sizes)
    for k, rel in enumerate(relations):
        (tc, te, th), *parts = rel
        want = sum_on_grid((tc, te, te - 1 if th else None), [(pc, pe, pe - 1 if ph else None) for pc, pe, ph in parts])
        if fits[k]:
            assert (int(g[k]), int(value[k]), int(diff[k]), int(tol[k])) == want
        else:  # something past the room the guard leaves
            assert max(abs(x) for x in (want[1], *(pc * 10 ** (pe - want[0]) for pc, pe, _h in parts))) >= 10**15


@given(st.lists(st.tuples(TERM, TERM, TERM), min_size=1, max_size=12))
def test_products_are_product_on_grid(rows: list[tuple[tuple[int, int, bool], ...]]) -> None:
    """Each product that fits gives ``product_on_grid``'s product, total, allowance and exponents."""
    cols = [
        tuple(np.array([row[i][j] for row in rows], dtype=bool if j == 2 else np.int64) for j in range(3))
        for i in range(3)
    ]
    fits, prod, tv, tol, e, et = grid.products(cols[0], cols[1], cols[2])
    for k, (a, b, t) in enumerate(rows):
        terms = [(c, x, x - 1 if h else None) for c, x, h in (a, b, t)]
        want = product_on_grid(terms[0], terms[1], terms[2])
        if fits[k]:
            assert (int(prod[k]), int(tv[k]), int(tol[k]), int(e[k]), int(et[k])) == want
        else:  # the guard, counted in Python: a product's or a total's digits on the grid past 17
            e_, et_ = want[3], want[4]
            room = _digits(a[0]) + _digits(b[0]) + a[1] + b[1] - e_, _digits(t[0]) + et_ - e_
            assert max(room) > 17


def _digits(c: int) -> int:
    return 0 if c == 0 else len(str(abs(c)))


def test_digits_and_the_least_int64() -> None:
    """Digit counts by comparison with powers of ten; the least int64 (no magnitude) never fits."""
    c = np.array([0, 9, 10, -99, 10**18, 2**63 - 1, -(2**63)], dtype=np.int64)
    assert grid.digits(c).tolist() == [0, 1, 2, 2, 19, 19, 19]


@given(
    st.lists(
        st.tuples(
            st.one_of(SMALL, st.integers(min_value=-(10**16), max_value=10**16)),
            st.integers(-9, 3),
            st.one_of(SMALL, st.just(0)),
            st.integers(-6, 3),
            st.sampled_from(["万元", "元", "人", "千伏安", "%", "亿元"]),
        ),
        max_size=30,
    )
)
@example([(5, -2, 20000, 0, "元"), (3, 0, 20000, 0, "元"), (-1200, -2, 0, -2, "万元"), (100, -4, 3, 0, "千伏安")])
@example([(0, -9, 1000000, 3, "千伏安")])  # CI found it: a total scaled 10**12 to the difference's grid
def test_materiality_is_materiality_words(rows: list[tuple[int, int, int, int, str]]) -> None:
    """Amount (base unit, trailing zeros dropped) and percentage (half to even) as
    :func:`materiality_words` gives them for the difference's text, where they fit int64."""
    from fundaudit.findings import _base_word, materiality_words
    from fundaudit.units import parse_unit

    units = [parse_unit(u) for *_x, u in rows]
    shift = np.array([0 if _base_word(u.dimension) is None else u.pow10 for u in units], dtype=np.int64)
    d, x, c, e = (np.array([r[i] for r in rows], dtype=np.int64) for i in range(4))
    fits, amounts, percents = grid.materiality(d, x, c, e, shift)
    for k, (diff, exp, coefficient, exponent, _u) in enumerate(rows):
        amount, _word, percent = materiality_words(format_scaled(diff, exp), units[k], coefficient, exponent)
        assert amounts[k] == amount
        if fits[k]:
            assert percents[k] == percent
        else:  # a zero total (no percentage), or integers past int64's room once scaled to one grid
            up, down = max(0, exp - exponent), max(0, exponent - exp)
            assert coefficient == 0 or _digits(diff) + 4 + up > 18 or _digits(coefficient) + down > 18
