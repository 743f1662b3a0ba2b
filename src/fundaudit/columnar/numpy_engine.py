"""Verdicts for a whole table of relations in one vectorized pass over exact integers.

When every figure fits it (the usual case), all figures of a dimension share one integer
grid, one below the finest written digit (in the base unit): a figure's shift onto it and
its rounding allowance depend only on its unit and written exponent, so they are looked up
per (unit, exponent) pair, and every relation's difference and allowance are gathers and
``numpy.add.reduceat`` segment sums over the parts array, in int64. Otherwise each relation
gets its own grid: totals and parts are laid out as one flat array of terms, a relation a
segment (total first, then its parts). A relation whose terms could leave int64's range,
and the few unit-cost products, are evaluated by the reference
:func:`fundaudit.judge.explain` in Python integers instead. No amount passes through float.

The verdicts equal :func:`~fundaudit.judge.explain`'s, relation by relation (property-tested).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from fundaudit.columnar.arrays import KIND_CODE, Columns
from fundaudit.findings import VERDICT_CODE, Verdict
from fundaudit.judge import explain
from fundaudit.tolerance import Policy, Tolerance

Array = np.ndarray[Any, Any]

VERDICTS: tuple[Verdict, ...] = tuple(Verdict)
CODE = {v: np.int8(i) for v, i in VERDICT_CODE.items()}
MATCH, ROUNDING, WITHIN, MISMATCH, INCOMPLETE, ERROR, *_ = (CODE[v] for v in VERDICTS)  # REVISED: cf. runner
_SUM, _SUM_LE, _CUMULATIVE, _PRODUCT = (KIND_CODE[k] for k in ("sum", "sum-le", "cumulative", "product"))
_POW10 = np.array([10**k for k in range(19)], dtype=np.int64)
_SAFE_DIGITS = 18  # |term| < 10**18 and a segment of < 10 terms stays below 2**63


def verdicts(cols: Columns, tolerance: Tolerance) -> Array:
    """Every relation's verdict, as int8 codes into :data:`VERDICTS`."""
    rel = cols.relations
    n = len(rel)
    out = np.full(n, -1, dtype=np.int8)
    if n == 0:
        return out
    lens = np.diff(rel.offsets)
    grid = _shared_grid(cols, tolerance.policy, int(lens.max(initial=0)))
    if grid is not None:
        sums = _segment_sums(cols, lens, grid)
        mixed = sums.mixed
        base_exp = halves = None
    else:
        sums = None
        dim, base_exp = _dimensions(cols)
        halves = _halves(cols.figures.exponent, tolerance.policy)
        mixed = _segment_count(dim[rel.parts] != np.repeat(dim[rel.total], lens), rel.offsets) > 0
    out[rel.has_missing] = INCOMPLETE
    out[(out < 0) & mixed & (rel.kind != _PRODUCT)] = ERROR
    todo = out < 0
    is_sum = todo & ((rel.kind == _SUM) | (rel.kind == _SUM_LE))
    cumulative = np.flatnonzero(todo & (rel.kind == _CUMULATIVE) & (lens > 0))
    slow: list[int] = np.flatnonzero(
        todo & ((rel.kind == _PRODUCT) | ((rel.kind == _CUMULATIVE) & (lens == 0)))
    ).tolist()
    if sums is not None:
        v = _sum_verdicts(sums.diff, sums.tol, rel.kind == _SUM_LE, rel.has_empty)
        out[is_sum] = v[is_sum]
    elif is_sum.any():
        assert base_exp is not None and halves is not None
        slow += _sums(cols, np.flatnonzero(is_sum), base_exp, halves, out)
    if len(cumulative):
        if grid is not None:
            terms, starts, is_total = _terms(cols, cumulative)
            _cumulative_verdicts(cumulative, grid.value[terms], grid.allow[terms], starts, is_total, out)
        else:
            assert base_exp is not None and halves is not None
            slow += _cumulative(cols, cumulative, base_exp, halves, out)
    for i, relation in zip(slow, cols.relations_at(slow), strict=True):
        out[i] = CODE[explain(relation, tolerance).verdict]
    return out


def uses_shared_grid(cols: Columns, tolerance: Tolerance) -> bool:
    """Whether :func:`verdicts` judges the sums of ``cols`` on the shared grid (the fast path)."""
    widest = int(np.diff(cols.relations.offsets).max(initial=0))
    return _shared_grid(cols, tolerance.policy, widest) is not None


def _dimensions(cols: Columns) -> tuple[Array, Array]:
    """Each figure's dimension code, and the base-unit exponent of its last written digit."""
    unit_dim, unit_pow = _unit_arrays(cols)
    fig = cols.figures
    return unit_dim[fig.unit_code], fig.exponent + unit_pow[fig.unit_code]


def _halves(exponent: Array, policy: Policy) -> Array:
    """Which written exponents carry a rounding allowance (half a unit of the last written
    digit), as :meth:`Tolerance.half_unit_exponent` decides for one figure."""
    if policy is Policy.EXACT:
        return np.zeros(len(exponent), dtype=bool)
    if policy is Policy.DIGITS_ALL:
        return np.ones(len(exponent), dtype=bool)
    return exponent < 0


class _Grid(NamedTuple):
    """Every figure on the shared grid of its dimension: scaled value and rounding allowance;
    its dimension code is ``key_dim[key]`` (``key_dim`` is ``None`` when all figures share
    one dimension)."""

    value: Array
    allow: Array
    key: Array
    key_dim: Array | None


class _Sums(NamedTuple):
    """Per relation: total − Σ parts and the summed allowance on the shared grid, and whether
    its figures mix dimensions."""

    diff: Array
    tol: Array
    mixed: Array


def _shared_grid(cols: Columns, policy: Policy, widest: int) -> _Grid | None:
    """Every figure on one grid per dimension (one below its finest written digit), or ``None``.

    When each scaled figure stays below ``10**18 / (widest + 1)``, every relation's sum is
    exact in int64 on that grid and the relations need no grid of their own: the figures
    are scaled once, and a relation's difference is a gather and a segment sum.

    A figure's shift onto the grid and its allowance depend only on its unit and written
    exponent, so they are worked out once per (unit, exponent) pair present and looked up
    for every figure: the per-figure work is one key, two lookups and one product.
    """
    fig = cols.figures
    coef = fig.coefficient
    if coef.dtype == object or len(coef) == 0:
        return None
    unit_dim, unit_pow = _unit_arrays(cols)
    lo, hi = int(fig.exponent.min()), int(fig.exponent.max())
    span = hi - lo + 1
    if len(unit_pow) * span > 1 << 20:
        return None  # exponents spread too widely for a lookup table
    key = fig.unit_code * span + (fig.exponent - lo)
    present = np.bincount(key, minlength=len(unit_pow) * span) > 0
    k_unit, k_exp = np.divmod(np.arange(len(present)), span)
    k_exp += lo
    k_base = k_exp + unit_pow[k_unit]
    k_dim = unit_dim[k_unit]
    finest = np.full(int(unit_dim.max()) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(finest, k_dim[present], k_base[present])
    k_shift = np.where(present, k_base - (finest[k_dim] - 1), 1)
    room = 18 - len(str(widest + 1))  # digits a scaled figure may use
    if int(k_shift.max()) > room:
        return None
    biggest = max(int(coef.max()), -int(coef.min()))
    if biggest >= 10 ** (room - int(k_shift.max())):
        limit = _POW10[room - k_shift]  # the bound figure by figure, only when the global one fails
        if bool((np.abs(coef) >= limit[key]).any()):
            return None
    k_allow = np.where(_halves(k_exp, policy), 5 * _POW10[k_shift - 1], 0)
    one_dim = len(np.unique(k_dim[present])) == 1
    return _Grid(coef * _POW10[k_shift][key], k_allow[key], key, None if one_dim else k_dim)


def _segment_sums(cols: Columns, lens: Array, grid: _Grid) -> _Sums:
    """Σ parts and Σ allowances of every relation at once (segment sums over the parts array)."""
    rel = cols.relations
    value, allow, key, key_dim = grid
    n = len(rel)
    filled = lens > 0
    everywhere = bool(filled.all())
    starts = rel.offsets[:-1] if everywhere else rel.offsets[:-1][filled]
    mixed = np.zeros(n, dtype=bool)
    if everywhere:
        parts_sum = np.add.reduceat(value[rel.parts], starts)
        parts_tol = np.add.reduceat(allow[rel.parts], starts)
    else:
        parts_sum = np.zeros(n, dtype=np.int64)
        parts_tol = np.zeros(n, dtype=np.int64)
        if len(starts):
            # empty segments have no length, so the filled ones are contiguous from their starts
            parts_sum[filled] = np.add.reduceat(value[rel.parts], starts)
            parts_tol[filled] = np.add.reduceat(allow[rel.parts], starts)
    if key_dim is not None and len(starts):
        mixed[filled] = _mixed(key, key_dim, rel.parts, starts, rel.total[filled], lens[filled])
    return _Sums(value[rel.total] - parts_sum, allow[rel.total] + parts_tol, mixed)


def _mixed(key: Array, key_dim: Array, parts: Array, starts: Array, totals: Array, lens: Array) -> Array:
    """Whether any part of each (non-empty) relation has another dimension than its total.

    With ``B`` above every relation's length, ``Σ B**dim(part) == len × B**dim(total)`` holds
    exactly when every part has the total's dimension (base-``B`` digits are unique), which
    is one segment sum instead of a segment minimum and maximum.
    """
    base = int(lens.max()) + 1
    top = int(key_dim.max())
    if base ** (top + 1) >= 1 << 62:
        dim = key_dim[key]
        part_dim = dim[parts]
        total_dim = dim[totals]
        return (np.minimum.reduceat(part_dim, starts) != total_dim) | (  # type: ignore[no-any-return]
            np.maximum.reduceat(part_dim, starts) != total_dim
        )
    weight = (base ** np.arange(top + 1, dtype=np.int64))[key_dim][key]
    return np.add.reduceat(weight[parts], starts) != lens * weight[totals]  # type: ignore[no-any-return]


def _sum_verdicts(diff: Array, tol: Array, le: Array, has_empty: Array) -> Array:
    """sum: total = Σ parts; sum-le: Σ parts ≤ total (exceeding it by no more than rounding)."""
    v = np.full(len(diff), MISMATCH, dtype=np.int8)
    v[np.abs(diff) <= tol] = ROUNDING
    v[diff == 0] = MATCH
    partial = np.flatnonzero(le)
    if len(partial):
        excess = -diff[partial]
        v[partial] = np.where(
            excess == 0, MATCH, np.where(excess < 0, WITHIN, np.where(excess <= tol[partial], ROUNDING, MISMATCH))
        )
    failing = np.flatnonzero(v == MISMATCH)  # few: an empty cell may hold what a short sum lacks
    short = failing[~le[failing] & (diff[failing] > 0) & has_empty[failing]]
    v[short] = INCOMPLETE
    return v


def _unit_arrays(cols: Columns) -> tuple[Array, Array]:
    """Per unit code: a dimension code and the unit's power of ten."""
    names: dict[str, int] = {}
    dims = [names.setdefault(u.dimension, len(names)) for u in cols.figures.units]
    return np.array(dims, dtype=np.int64), np.array([u.pow10 for u in cols.figures.units], dtype=np.int64)


def _segment_count(flags: Array, offsets: Array) -> Array:
    """How many flags are set in each segment ``offsets[i]:offsets[i+1]`` (empty segments too)."""
    c = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
    return c[offsets[1:]] - c[offsets[:-1]]


def _terms(cols: Columns, sel: Array) -> tuple[Array, Array, Array]:
    """Flat terms of the selected relations: figure index, segment starts, whether a total."""
    rel = cols.relations
    lens = rel.offsets[sel + 1] - rel.offsets[sel]
    seg = lens + 1
    starts = np.zeros(len(sel), dtype=np.int64)
    np.cumsum(seg[:-1], out=starts[1:])
    size = int(seg.sum())
    is_total = np.zeros(size, dtype=bool)
    is_total[starts] = True
    terms = np.empty(size, dtype=np.int64)
    terms[starts] = rel.total[sel]
    # the parts of each selected relation, gathered in order
    first_part = np.repeat(rel.offsets[sel] - (starts + 1), seg)[~is_total]
    terms[~is_total] = rel.parts[first_part + np.flatnonzero(~is_total)]
    return terms, starts, is_total


def _scaled(cols: Columns, terms: Array, starts: Array, base_exp: Array, halves: Array) -> tuple[Array, Array, Array]:
    """Each term on its relation's grid (int64), its rounding allowance, and which segments fit."""
    e = base_exp[terms]
    grid = np.minimum.reduceat(e, starts) - 1
    seg_len = np.diff(np.append(starts, len(terms)))
    shift = e - np.repeat(grid, seg_len)
    coef = cols.figures.coefficient[terms]
    if coef.dtype == object:
        small = np.array([abs(c) < 10**17 for c in coef], dtype=bool)
        coef = np.where(small, coef, 0).astype(np.int64)
    else:
        small = None
    max_shift = int(shift.max(initial=0))
    widest = int(seg_len.max(initial=1))
    if small is None and max_shift <= 17 and int(np.abs(coef).max(initial=0)) * widest < 10 ** (18 - max_shift):
        # every term fits: no per-term digit count needed
        value = coef * _POW10[shift]
        allow = np.where(halves[terms], 5 * _POW10[np.maximum(shift - 1, 0)], 0)
        return value, allow, np.ones(len(starts), dtype=bool)
    if small is None:
        small = np.abs(coef) < 10**17
    digits = np.searchsorted(_POW10, np.abs(coef), side="right")
    room = _SAFE_DIGITS - np.repeat(np.searchsorted(_POW10, seg_len, side="right"), seg_len)
    ok = small & (digits + shift <= room) & (shift <= 17)
    fits = _segment_count(~ok, np.append(starts, len(terms))) == 0
    safe_shift = np.where(ok, shift, 0)
    value = np.where(ok, coef * _POW10[safe_shift], 0)
    allow = np.where(halves[terms] & ok, 5 * _POW10[np.maximum(safe_shift - 1, 0)], 0)
    return value, allow, fits


def _sums(cols: Columns, sel: Array, base_exp: Array, halves: Array, out: Array) -> list[int]:
    """sum: total = Σ parts; sum-le: Σ parts ≤ total. Returns the relations left to the slow path."""
    terms, starts, is_total = _terms(cols, sel)
    value, allow, fits = _scaled(cols, terms, starts, base_exp, halves)
    signed = np.where(is_total, value, -value)
    diff = np.add.reduceat(signed, starts)
    tol = np.add.reduceat(allow, starts)
    v = _sum_verdicts(diff, tol, cols.relations.kind[sel] == _SUM_LE, cols.relations.has_empty[sel])
    out[sel[fits]] = v[fits]
    return sel[~fits].tolist()  # type: ignore[no-any-return]


def _cumulative(cols: Columns, sel: Array, base_exp: Array, halves: Array, out: Array) -> list[int]:
    """Running totals on each relation's own grid; returns the relations left to the slow path."""
    terms, starts, is_total = _terms(cols, sel)
    value, allow, fits = _scaled(cols, terms, starts, base_exp, halves)
    _cumulative_verdicts(sel[fits], value, allow, starts, is_total, out, fits)
    return sel[~fits].tolist()  # type: ignore[no-any-return]


def _cumulative_verdicts(
    sel: Array, value: Array, allow: Array, starts: Array, is_total: Array, out: Array, fits: Array | None = None
) -> None:
    """Running totals never decrease (beyond rounding), and the last equals the total.

    ``value`` and ``allow`` are the scaled terms (each segment: total, then running totals).
    """
    ends = np.append(starts[1:], len(value)) - 1  # the last running total of each segment
    # a decrease between consecutive running totals (never across a total)
    prev_ok = np.zeros(len(value), dtype=bool)
    prev_ok[1:] = ~is_total[1:] & ~is_total[:-1]
    drop = np.zeros(len(value), dtype=np.int64)
    drop[1:] = value[:-1] - value[1:]
    band = np.zeros(len(value), dtype=np.int64)
    band[1:] = allow[:-1] + allow[1:]
    decreases = prev_ok & (drop > band)
    bad = _segment_count(decreases, np.append(starts, len(value))) > 0
    diff = value[starts] - value[ends]
    tol = allow[starts] + allow[ends]
    v = np.where(diff == 0, MATCH, np.where(np.abs(diff) <= tol, ROUNDING, MISMATCH)).astype(np.int8)
    v[bad] = MISMATCH
    out[sel] = v if fits is None else v[fits]
