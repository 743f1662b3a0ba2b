"""Verdicts for a whole table of relations in one vectorized pass over exact integers.

Each relation gets its own integer grid (one below the finest written digit among its
figures, in the base unit), so a figure scales to ``coefficient × 10**shift`` with a small
non-negative ``shift``. Totals and parts are laid out as one flat array of terms, a relation
a segment (total first, then its parts); ``numpy.add.reduceat`` gives every relation's
difference and rounding allowance at once, in int64. A relation whose terms could leave
int64's range, and the few unit-cost products, are evaluated by the reference
:func:`fundaudit.engine.explain` in Python integers instead. No amount passes through float.

The verdicts equal :func:`~fundaudit.engine.explain`'s, relation by relation (property-tested).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from fundaudit.columns import KIND_CODE, Columns
from fundaudit.engine import explain
from fundaudit.findings import Verdict
from fundaudit.tolerance import Policy, Tolerance

Array = np.ndarray[Any, Any]

VERDICTS: tuple[Verdict, ...] = tuple(Verdict)
CODE = {v: np.int8(i) for i, v in enumerate(VERDICTS)}
MATCH, ROUNDING, WITHIN, MISMATCH, INCOMPLETE, ERROR = (CODE[v] for v in VERDICTS)
_SUM, _SUM_LE, _CUMULATIVE, _PRODUCT = (KIND_CODE[k] for k in ("sum", "sum-le", "cumulative", "product"))
_POW10 = np.array([10**k for k in range(19)], dtype=np.int64)
_SAFE_DIGITS = 18  # |term| < 10**18 and a segment of < 10 terms stays below 2**63


def verdicts(cols: Columns, tolerance: Tolerance) -> Array:
    """Every relation's verdict, as int8 codes into :data:`VERDICTS`."""
    rel, fig = cols.relations, cols.figures
    n = len(rel)
    out = np.full(n, -1, dtype=np.int8)
    if n == 0:
        return out
    dim, base_exp = _dimensions(cols)
    lens = np.diff(rel.offsets)
    if tolerance.policy is Policy.EXACT:
        halves = np.zeros(len(fig), dtype=bool)
    elif tolerance.policy is Policy.DIGITS_ALL:
        halves = np.ones(len(fig), dtype=bool)
    else:
        halves = fig.exponent < 0
    grid = _shared_grid(cols, dim, base_exp, halves, int(lens.max(initial=0)))
    if grid is not None:
        sums = _segment_sums(cols, lens, dim, *grid)
        mixed = sums.mixed
    else:
        sums = None
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
        slow += _sums(cols, np.flatnonzero(is_sum), base_exp, halves, out)
    if len(cumulative):
        slow += _cumulative(cols, cumulative, base_exp, halves, out)
    for i, relation in zip(slow, cols.relations_at(slow), strict=True):
        out[i] = CODE[explain(relation, tolerance).verdict]
    return out


def uses_shared_grid(cols: Columns, tolerance: Tolerance) -> bool:
    """Whether :func:`verdicts` judges the sums of ``cols`` on the shared grid (the fast path)."""
    dim, base_exp = _dimensions(cols)
    halves = np.zeros(len(cols.figures), dtype=bool)  # the allowances do not decide the grid
    widest = int(np.diff(cols.relations.offsets).max(initial=0))
    return _shared_grid(cols, dim, base_exp, halves, widest) is not None


def _dimensions(cols: Columns) -> tuple[Array, Array]:
    """Each figure's dimension code, and the base-unit exponent of its last written digit."""
    unit_dim, unit_pow = _unit_arrays(cols)
    fig = cols.figures
    return unit_dim[fig.unit_code], fig.exponent + unit_pow[fig.unit_code]


class _Sums(NamedTuple):
    """Per relation: total − Σ parts and the summed allowance on the shared grid, and whether
    its figures mix dimensions."""

    diff: Array
    tol: Array
    mixed: Array


def _shared_grid(cols: Columns, dim: Array, base_exp: Array, halves: Array, widest: int) -> tuple[Array, Array] | None:
    """Every figure on one grid per dimension (one below its finest written digit), or ``None``.

    When each scaled figure stays below ``10**18 / (widest + 1)``, every relation's sum is
    exact in int64 on that grid and the relations need no grid of their own: the figures
    are scaled once, and a relation's difference is a gather and a segment sum.
    """
    coef = cols.figures.coefficient
    if coef.dtype == object or len(coef) == 0:
        return None
    n_dims = int(dim.max()) + 1
    finest = np.full(n_dims, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(finest, dim, base_exp)
    shift = base_exp - (finest[dim] - 1)
    room = 18 - len(str(widest + 1))  # digits a scaled figure may use
    if int(shift.max()) > room:
        return None
    limit = _POW10[room - shift]
    if bool((np.abs(coef) >= limit).any()):
        return None
    value = coef * _POW10[shift]
    allow = np.where(halves, 5 * _POW10[shift - 1], 0)
    return value, allow


def _segment_sums(cols: Columns, lens: Array, dim: Array, value: Array, allow: Array) -> _Sums:
    """Σ parts and Σ allowances of every relation at once (segment sums over the parts array)."""
    rel = cols.relations
    n = len(rel)
    parts_sum = np.zeros(n, dtype=np.int64)
    parts_tol = np.zeros(n, dtype=np.int64)
    mixed = np.zeros(n, dtype=bool)
    filled = lens > 0
    starts = rel.offsets[:-1][filled]
    if len(starts):
        # empty segments have no length, so the filled ones are contiguous from their starts
        parts_sum[filled] = np.add.reduceat(value[rel.parts], starts)
        parts_tol[filled] = np.add.reduceat(allow[rel.parts], starts)
        part_dim = dim[rel.parts]
        lo = np.minimum.reduceat(part_dim, starts)
        hi = np.maximum.reduceat(part_dim, starts)
        total_dim = dim[rel.total[filled]]
        mixed[filled] = (lo != total_dim) | (hi != total_dim)
    return _Sums(value[rel.total] - parts_sum, allow[rel.total] + parts_tol, mixed)


def _sum_verdicts(diff: Array, tol: Array, le: Array, has_empty: Array) -> Array:
    """sum: total = Σ parts; sum-le: Σ parts ≤ total (exceeding it by no more than rounding)."""
    v = np.where(diff == 0, MATCH, np.where(np.abs(diff) <= tol, ROUNDING, MISMATCH)).astype(np.int8)
    excess = -diff
    v_le = np.where(
        excess == 0, MATCH, np.where(excess < 0, WITHIN, np.where(excess <= tol, ROUNDING, MISMATCH))
    ).astype(np.int8)
    v = np.where(le, v_le, v)
    v[(v == MISMATCH) & ~le & (diff > 0) & has_empty] = INCOMPLETE
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
    """Running totals never decrease (beyond rounding), and the last equals the total."""
    terms, starts, is_total = _terms(cols, sel)
    value, allow, fits = _scaled(cols, terms, starts, base_exp, halves)
    ends = np.append(starts[1:], len(terms)) - 1  # the last running total of each segment
    # a decrease between consecutive running totals (never across a total)
    prev_ok = np.zeros(len(terms), dtype=bool)
    prev_ok[1:] = ~is_total[1:] & ~is_total[:-1]
    drop = np.zeros(len(terms), dtype=np.int64)
    drop[1:] = value[:-1] - value[1:]
    band = np.zeros(len(terms), dtype=np.int64)
    band[1:] = allow[:-1] + allow[1:]
    decreases = prev_ok & (drop > band)
    bad = _segment_count(decreases, np.append(starts, len(terms))) > 0
    diff = value[starts] - value[ends]
    tol = allow[starts] + allow[ends]
    v = np.where(diff == 0, MATCH, np.where(np.abs(diff) <= tol, ROUNDING, MISMATCH)).astype(np.int8)
    v[bad] = MISMATCH
    out[sel[fits]] = v[fits]
    return sel[~fits].tolist()  # type: ignore[no-any-return]
