"""A chunk's sums and products judged and their numbers written at once, in int64 arrays.

:func:`fundaudit.judge.sum_words` and :func:`~fundaudit.judge.product_words` judge one
relation in Python integers and write its parts' sum (or product), difference and tolerance
(:func:`fundaudit.judge._render`): a few microseconds a finding. Here the same integers are
made for every sum and product of a chunk in numpy int64 arrays, on the same grids
(:func:`~fundaudit.judge.sum_on_grid`, :func:`~fundaudit.judge.product_on_grid`), their
trailing zeros trimmed as ``_render`` trims them and their texts written by Arrow
(:func:`scaled_texts`). A relation whose integers could pass int64
(checked exactly, by digit counts: no float) is left to the Python functions, as are the
other kinds. ``tests/test_bulk_words.py`` holds both to the same texts.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from fundaudit.numbers import format_scaled

Array = np.ndarray[Any, Any]

P10 = np.array([10**k for k in range(19)], dtype=np.int64)
_ROOM = 17  # each term below 10**17, at most 90 of them: their sum stays within int64
_TERMS = 90
LEAST = np.iinfo(np.int64).min  # its magnitude is not an int64: marks a coefficient that does not fit


def scaled_texts(coefficients: Array, exponents: Array) -> list[str]:
    """:func:`~fundaudit.numbers.format_scaled` of each ``coefficient × 10**exponent``, in bulk.

    Arrow writes a decimal of scale 0 to 6 as plain digits with the scale's decimals (its
    text turns scientific only from an adjusted exponent below -6, which such a scale never
    reaches): the int64 coefficients of such exponents are written by Arrow, a third of the
    time of formatting each in Python; the others (past int64, more decimals, positive
    exponents) by :func:`~fundaudit.numbers.format_scaled`, as are all of them when Arrow is
    not loaded already (the same texts either way).
    """
    n = len(coefficients)
    if coefficients.dtype != np.int64 or "pyarrow.compute" not in sys.modules:
        # some past int64 (an object array of Python integers), or Arrow not loaded (tables read
        # from YAML: importing it would cost more than it saves)
        return [_scaled(c, e) for c, e in zip(coefficients.tolist(), exponents.tolist(), strict=True)]
    import pyarrow as pa

    kinds = np.unique(exponents).tolist()
    out: Array | None = None if len(kinds) == 1 else np.empty(n, dtype=object)
    for e in kinds:
        at = None if out is None else np.flatnonzero(exponents == e)
        c = coefficients if at is None else coefficients[at]
        if -6 <= e <= 0:
            arr = pa.Array.from_buffers(pa.int64(), len(c), [None, pa.py_buffer(np.ascontiguousarray(c))])
            if e:
                arr = pa.Array.from_buffers(pa.decimal128(38, -e), len(c), arr.cast(pa.decimal128(38, 0)).buffers())
            texts = arr.cast(pa.string()).to_pylist()
        else:
            texts = [format_scaled(x, e) for x in c.tolist()]
        if out is None:
            return texts  # type: ignore[no-any-return]
        out[at] = texts
    return [] if out is None else out.tolist()


def _scaled(coefficient: int, exponent: int) -> str:
    """:func:`~fundaudit.numbers.format_scaled`, an integer's text as it is when its exponent is 0."""
    return str(coefficient) if exponent == 0 else format_scaled(coefficient, exponent)


def digits(c: Array) -> Array:
    """The number of digits of each ``|c|`` (0 for 0); 19 for the least int64, which has no magnitude."""
    out = np.searchsorted(P10, np.abs(c), side="right")
    return np.where(c == LEAST, 19, out)


def ranges(starts: Array, sizes: Array) -> Array:
    """``[starts[k], starts[k] + sizes[k])`` of every ``k``, one after the other."""
    return np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))


def rendered(n: Array, exp: Array, keep: Array) -> list[str]:
    """:func:`fundaudit.judge._render` of each ``n × 10**exp`` kept to ``keep`` decimals: its
    trailing zeros dropped while it shows more than ``keep`` decimals, then written exactly."""
    room = np.maximum(0, -keep - exp)  # at most this many trailing zeros go
    m, e = n.copy(), exp.copy()
    while True:
        go = (room > 0) & (m % 10 == 0)
        if not go.any():
            break
        m = np.where(go, m // 10, m)
        e = e + go
        room = room - go
    return scaled_texts(m, e)


def sums(
    coefficient: Array, base: Array, half: Array, has_half: Array, starts: Array, sizes: Array
) -> tuple[Array, Array, Array, Array, Array]:
    """:func:`~fundaudit.judge.sum_on_grid` of each relation whose terms (its total, then its
    parts) are ``[starts[k], starts[k] + sizes[k])`` of the term arrays: the coefficient, the
    base-unit exponent, the half-unit exponent and whether there is one.

    Returns whether each fits int64 (the others: zeros), the grid's exponent, the total on
    it, total − Σ parts and the summed allowances.
    """
    g = np.minimum.reduceat(base, starts) - 1
    on = np.repeat(g, sizes)
    shift = base - on
    half_shift = np.where(has_half, half - on, 0)
    fit = (shift <= _ROOM) & (half_shift >= 0) & (half_shift <= _ROOM) & (digits(coefficient) + shift <= _ROOM)
    fits = np.logical_and.reduceat(fit, starts) & (sizes <= _TERMS)
    keep = np.repeat(fits, sizes)
    c = np.where(keep, coefficient, 0)
    scaled = c * P10[np.where(keep, shift, 0)]
    first = np.zeros(len(base), dtype=bool)
    first[starts] = True
    diff = np.add.reduceat(np.where(first, scaled, -scaled), starts)
    tol = np.add.reduceat(np.where(keep & has_half, 5 * P10[np.where(keep, half_shift, 0)], 0), starts)
    return fits, g, scaled[starts], diff, tol


def products(
    a: tuple[Array, Array, Array], b: tuple[Array, Array, Array], total: tuple[Array, Array, Array]
) -> tuple[Array, Array, Array, Array, Array, Array]:
    """:func:`~fundaudit.judge.product_on_grid` of each product, its factors and total given as
    coefficient, base-unit exponent (the factors' of :func:`~fundaudit.judge._factor_pows`) and
    whether it has a half-unit allowance.

    Returns whether each fits int64 (the others: zeros), the product, the total and the
    allowance on the grid, its exponent ``e`` and the total's ``et``.
    """
    ca, ea, has_a = a
    cb, eb, has_b = b
    ct, et, has_t = total
    e = np.minimum(ea + eb - 2, et - 1)
    s_ab, s_t = ea + eb - e, et - e  # at least 2 and 1
    fits = (digits(ca) + digits(cb) + s_ab <= _ROOM) & (digits(ct) + s_t <= _ROOM)
    ca, cb, ct = (np.where(fits, x, 0) for x in (ca, cb, ct))
    s_ab, s_t = np.where(fits, s_ab, 2), np.where(fits, s_t, 1)
    prod = ca * cb * P10[s_ab]
    tv = ct * P10[s_t]
    tol = (
        np.where(has_b, 5 * np.abs(ca) * P10[s_ab - 1], 0)
        + np.where(has_a, 5 * np.abs(cb) * P10[s_ab - 1], 0)
        + np.where(has_a & has_b, 25 * P10[s_ab - 2], 0)
        + np.where(has_t, 5 * P10[s_t - 1], 0)
    )
    return fits, prod, tv, tol, e, et


def materiality(
    diff: Array, exp: Array, coefficient: Array, exponent: Array, shift: Array
) -> tuple[Array, list[str], list[str]]:
    """:func:`fundaudit.findings.materiality_words`'s amount and percentage of each difference
    ``diff × 10**exp`` (in the total's unit) of a total ``coefficient × 10**exponent``: the
    amount in the base unit (``shift``: the unit's power of ten, 0 where the format has no
    base word), its trailing zeros dropped; the percentage to two decimals, rounded half to
    even (meaningless for a zero total, which has none).

    Returns whether each fits int64 (the others are worded in Python integers), the amounts
    and the percentages.
    """
    d = np.abs(diff)
    k = exp - exponent  # |diff| / |total| × 10000 = d × 10000 × 10**k / |coefficient|
    up, down = np.maximum(k, 0), np.maximum(-k, 0)
    fits = (digits(diff) + 4 + up <= 18) & (digits(coefficient) + down <= 18) & (coefficient != 0)
    num = np.where(fits, d, 0) * P10[4] * P10[np.where(fits, up, 0)]
    den = np.where(fits, np.abs(coefficient), 1) * P10[np.where(fits, down, 0)]
    q, r = np.divmod(num, den)
    q = q + ((2 * r > den) | ((2 * r == den) & (q % 2 == 1)))
    amounts = rendered(d, exp + shift, np.zeros(len(d), dtype=np.int64))
    return fits, amounts, scaled_texts(q, np.full(len(q), -2, dtype=np.int64))
