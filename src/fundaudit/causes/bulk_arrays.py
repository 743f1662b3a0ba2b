"""Settled as arrays: the one-relation sums and products of :mod:`fundaudit.causes.bulk`, a group at a time.

Most failing relations of a large data set are sums and products that :mod:`fundaudit.causes.bulk`
settles alone, each from a few candidates of the same kinds: a figure set to the value that
makes its relation hold (its *target*, written exactly, else rounded to one to four more
digits), that target rounded to the figure's own digits, the figure read in the unit the others
share (a sum's odd unit) or, for a product, in a sibling unit or with its point moved. Here
those candidates, their verdicts (the judge's, on the relation's exact integer grid), bulk's
pool of them (one per figure and value), their causes and their ranking keys are computed for
every such relation of a group at once, as numpy ``int64`` arrays — a product's terms past
int64 as object arrays of Python integers. Only the diagnosis itself is made one relation at a
time: the best candidate, its rivals judged again, and the words (:class:`Words`, the words of
:func:`fundaudit.causes.localise._diagnosis` from pieces looked up once per group).

A relation comes here only when every number of its candidates fits ``int64`` (a figure below
10**15 on its relation's grid, at most :data:`MOST` figures, no positive exponent). Every other
one, and every sum for which another proposer might offer something (a figure whose target is
within 5 % of it read in a sibling unit or with its point moved and that then holds, a table
sum where two slips might add up to the difference, a 0 whose target is 0), and every product
with a unit odd among the others, goes to bulk's Python integers, one relation at a time. No
float is used: the screens are integer digit counts and exact integer comparisons.

The causes are :func:`fundaudit.causes.bulk._cause_of`'s — unit slip, decimal shift,
transposition, coarser rounding, truncation, digit typo, stale total, unexplained — each an
array predicate over the digits of the stated and the corrected value (:func:`classify`).
``tests/test_causes_bulk.py`` holds this path equal to bulk's Python one (hypothesis: mixed
units and decimals, values past int64, every tolerance policy; it fails when the arrays crash
instead of falling back) and to the localiser (invented relation sets, both benchmark shapes,
the real data).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import Any, NamedTuple

import numpy as np

from fundaudit import i18n
from fundaudit.causes import (
    REGISTRY,
    coarser_rounding,
    decimal_shift,
    digit_typo,
    localise,
    stale_total,
    transposition,
    truncation,
    unexplained,
    unit_slip,
)
from fundaudit.causes._base import RESTATED, WARNING, Applicability, Culprit, Diagnosis, shifted, sibling_units
from fundaudit.causes.localise import ALONE_POSSIBLE, LENIENT, NO_CARRY, RIVALS
from fundaudit.causes.unexplained import NO_PATTERN
from fundaudit.findings import Relation
from fundaudit.model import Figure
from fundaudit.numbers import Written, format_scaled
from fundaudit.tolerance import Policy, Tolerance
from fundaudit.units import Unit

Array = np.ndarray[Any, Any]


def _at(k: Array | int) -> Array:
    """``k`` as an index into :data:`P10` (0 to 18: the callers mask what falls outside)."""
    return np.minimum(np.maximum(k, 0), 18)


MOST = 64  # figures of a sum taken here (every sum of them stays within int64)
_FIT = 15  # digits of a figure's value on its sum's grid
_SAFE = 17  # digits of a value compared in a 5 % test (20 × its difference stays within int64)
P10 = np.array([10**k for k in range(19)], dtype=np.int64)
_MATCH, _WITHIN, _ROUNDING, _OFF = 0, 1, 2, 3  # bulk's verdict codes

# the causes of a residual or odd-unit correction, as bulk._cause_of tries them
KINDS = (
    unit_slip.ID,
    decimal_shift.ID,
    transposition.ID,
    coarser_rounding.ID,
    truncation.ID,
    digit_typo.ID,
    stale_total.ID,
    unexplained.ID,
)
SLIP, SHIFT, SWAP, COARSE, TRUNC, TYPO, STALE, NONE = range(len(KINDS))
_ORDER = {c.id: i for i, c in enumerate(REGISTRY)}
_RANK = np.array([_ORDER[k] for k in KINDS], dtype=np.int64)
_CARRIED = np.array([k not in NO_CARRY for k in KINDS], dtype=bool)
_NONE = unexplained.ID


def fitting(coef: Sequence[int]) -> tuple[Array, Array]:
    """The coefficients as ``int64``, each outside ``[0, 10**15)`` (a figure the arrays leave to
    bulk's Python integers) as 0, and which those are."""
    try:
        c = np.array(coef, dtype=np.int64)
    except OverflowError:  # a coefficient past int64
        c = np.array([v if 0 <= v < 10**_FIT else -1 for v in coef], dtype=np.int64)
    big = (c < 0) | (c >= 10**_FIT)
    return np.where(big, 0, c), big


def ndigits(x: Array) -> Array:
    """``len(str(x))`` of each non-negative ``x`` below 10**18 (``0`` has one digit)."""
    return np.maximum(np.searchsorted(P10, x, side="right"), 1)


def stripped(x: Array) -> tuple[Array, Array]:
    """Each non-negative ``x`` without its trailing zeros, and how many there were (``0``: none)."""
    x = x.copy()
    tz = np.zeros(len(x), dtype=np.int64)
    for _ in range(19):
        m = (x % 10 == 0) & (x != 0)
        if not m.any():
            break
        x[m] //= 10
        tz[m] += 1
    return x, tz


def significant(n: Array) -> Array:
    """``len(str(n).rstrip("0"))`` of each non-negative ``n`` (``0`` has none)."""
    s, _tz = stripped(n)
    return np.where(n == 0, 0, ndigits(s))


def classify(
    c: Array, ce: Array, n: Array, ne: Array, du: Array, restated: Array, stale: Array
) -> tuple[Array, Array, Array]:
    """:func:`fundaudit.causes.bulk._cause_of` of corrections of stated figures ``c × 10**ce`` to
    ``n × 10**ne`` in a unit ``10**du`` times the figure's (``0``: its own unit), both non-negative
    and below 10**17 on their common grid, as (index in :data:`KINDS`, digits changed, unsure);
    ``restated``: a relation restating one quantity (:data:`RESTATED`); ``stale``: the figure is
    the total of a sum of several parts. ``unsure``: a number did not fit (bulk's Python then)."""
    own = du == 0
    e = np.minimum(ce, ne)
    unsure = (ndigits(c) + ce - e > _SAFE) | (ndigits(n) + ne - e > _SAFE)
    a = np.where(unsure, 0, c * P10[_at(ce - e)])
    b = np.where(unsure, 0, n * P10[_at(ne - e)])
    la, lb = ndigits(a), ndigits(b)
    short = np.minimum(la, lb)
    diff = np.zeros((len(a), 18), dtype=bool)
    top = int(max(la.max(), lb.max())) if len(a) else 0  # no digit beyond: equal there
    for j in range(top):  # the digits compared from the right
        diff[:, j] = ((a // P10[j]) % 10 != (b // P10[j]) % 10) & (j < short)
    count = diff.sum(axis=1)
    changed = np.abs(la - lb) + count
    sc, tzc = stripped(c)
    sn, _tzn = stripped(n)
    sig_equal = sc == sn
    slip = ~own & sig_equal
    shift = own & (c != 0) & sig_equal & (a != b)
    # transposition: two neighbouring digits swapped
    j1 = np.argmax(diff, axis=1)
    j2 = np.minimum(j1 + 1, 17)
    rows = np.arange(len(a))
    swap = (
        own
        & (la == lb)
        & (count == 2)
        & diff[rows, j2]
        & ((a // P10[j1]) % 10 == (b // P10[j2]) % 10)
        & ((a // P10[j2]) % 10 == (b // P10[j1]) % 10)
    )
    # near_reading: the stated value is the corrected one (k its exponent in the figure's unit)
    # rounded or cut to the stated value's last digit p
    p = np.where((ce < 0) | (c == 0) | ~restated | (tzc < 2), ce, ce + tzc)
    k = ne + du
    m = np.minimum(k, ce)
    reads = (c != 0) & (n != 0) & (k < p) & (p >= ce)
    far = reads & ((ndigits(n) + k - m > _SAFE) | (ndigits(c) + ce - m > _SAFE))
    unsure |= far
    reads &= ~unsure
    x = np.where(reads, n * P10[_at(k - m)], 0)
    o = np.where(reads, c * P10[_at(ce - m)], 0)
    reads &= np.abs(o - x) * 20 <= x
    den = P10[_at(p - m)]
    r, rem = x // den, x % den
    back = P10[_at(p - ce)]
    up = reads & ((r + (2 * rem >= den)) * back == c)
    cut = reads & ~up & (r * back == c)
    # digit_typo.one_digit_apart: one digit changed, or one dropped or doubled
    longer, shorter = np.where(la > lb, a, b), np.where(la > lb, b, a)
    dropped = np.zeros(len(a), dtype=bool)
    for j in range(min(top, 17)):  # past the longer's digits: itself, which no shorter one is
        dropped |= (longer // P10[j + 1]) * P10[j] + longer % P10[j] == shorter
    typo = own & (((la == lb) & (changed == 1)) | ((np.abs(la - lb) == 1) & dropped))
    kind = np.select([slip, shift, swap, up, cut, typo, stale], [SLIP, SHIFT, SWAP, COARSE, TRUNC, TYPO, STALE], NONE)
    return kind, changed, unsure


class Batch:
    """The relations given to the arrays, as numbers: each relation's id, rule, kind, whether it
    has an empty cell or a missing part, and its total's unit; its figures one row each, relation
    by relation, total first (``figs[i]`` the model object of row ``i``, made when asked where the
    relations come from columns: :mod:`fundaudit.causes.bulk_columns`), their coefficients,
    exponents, each relation's count of them and each figure's unit as a code into ``units``."""

    def __init__(
        self,
        ids: Sequence[str],
        rules: Sequence[str],
        kinds: Sequence[str],
        loose: Sequence[tuple[bool, bool]],
        totals: Sequence[Unit],
        figs: Sequence[Figure],
        coef: list[int],
        exp: list[int],
        count: list[int],
        codes: Array,
        units: list[Unit],
    ) -> None:
        self.ids, self.rules, self.kinds, self.loose, self.totals = ids, rules, kinds, loose, totals
        self.figs, self.coef, self.exp, self.count, self.codes, self.units = figs, coef, exp, count, codes, units

    def __len__(self) -> int:
        return len(self.ids)


def _batch(rels: Sequence[Relation] | Batch) -> Batch:
    return rels if isinstance(rels, Batch) else _gather(rels)


def _gather(rels: Sequence[Relation]) -> Batch:
    """The :class:`Batch` of relations given as model objects."""
    figs = [f for rel in rels for f in (rel.total, *rel.parts)]
    by_id: dict[int, int] = {}
    units: dict[Unit, int] = {}
    ulist: list[Unit] = []
    codes = []
    for f in figs:
        k = by_id.get(id(f.unit))
        if k is None:
            k = units.get(f.unit)
            if k is None:
                k = units[f.unit] = len(ulist)
                ulist.append(f.unit)
            by_id[id(f.unit)] = k
        codes.append(k)
    return Batch(
        [rel.id for rel in rels],
        [rel.rule for rel in rels],
        [rel.kind for rel in rels],
        [(bool(rel.empty), bool(rel.missing)) for rel in rels],
        [rel.total.unit for rel in rels],
        figs,
        [f.value.coefficient for f in figs],
        [f.value.exponent for f in figs],
        [1 + len(rel.parts) for rel in rels],
        np.array(codes, dtype=np.int64),
        ulist,
    )


def _odd_unit(
    of: Array, pos: Array, starts: Array, sizes: Array, codes: Array, ulist: list[Unit]
) -> tuple[Array, Array]:
    """Per relation, the figure bulk's odd-unit proposer reads in the others' unit (-1: none) and
    that unit's code: the one figure whose unit no other has, when another unit is shared and the
    odd one is it or on its ladder (of three figures or more)."""
    k = len(ulist)
    _u, inverse, counts = np.unique(of * k + codes, return_inverse=True, return_counts=True)
    once = counts[inverse.reshape(-1)] == 1
    n_once = np.add.reduceat(once.astype(np.int64), starts)
    odd_pos = np.maximum.reduceat(np.where(once, pos, -1), starts)
    common_pos = np.minimum.reduceat(np.where(once, 1 << 40, pos), starts)
    ok = (n_once == 1) & (n_once < sizes) & (sizes >= 3)
    common = codes[starts + np.where(ok, common_pos, 0)]
    odd = codes[starts + np.where(ok, odd_pos, 0)]
    ladder = np.array([[a == b or ulist[a] in sibling_units(ulist[b]) for b in range(k)] for a in range(k)], dtype=bool)
    ok &= ladder[odd, common]
    return np.where(ok, odd_pos, -1), np.where(ok, common, 0)


class SumGrid(NamedTuple):
    """The sums of a :class:`Batch` on their own grids, as :func:`settle_sums` and
    :func:`fundaudit.causes.bulk_clusters.settle_clusters` take them (one row a figure, each sum's
    total first): where each sum starts, its figures' positions, the odd unit, which sums go to
    bulk's Python path (``route``), the coefficients, exponents and units, the grid 10**g of each
    sum, each figure's value and target on it, and the judge's difference and allowance."""

    sizes: Array
    starts: Array
    of: Array
    pos: Array
    pow10: Array
    at_odd: Array
    odd_code: Array
    route: Array
    big: Array
    c: Array
    e: Array
    u: Array
    big_e: Array
    g: Array
    shift: Array
    keep: Array
    vals: Array
    t: Array
    exact: bool
    half: Array
    tol0: Array
    diff0: Array
    le: Array


def sum_grid(batch: Batch, sent: Sequence[bool], tolerance: Tolerance) -> SumGrid:
    """The :class:`SumGrid` of ``batch``'s sums; ``sent``: the sums routed to bulk's Python path
    before their numbers are looked at (as are those with more than :data:`MOST` figures, a
    coefficient outside ``[0, 10**15)``, a positive exponent or a value past the grid)."""
    n = len(batch)
    sizes = np.array(batch.count, dtype=np.int64)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    of = np.repeat(np.arange(n), sizes)  # each figure's sum
    pos = np.arange(len(of)) - starts[of]  # 0: the total
    unit_of, ulist = batch.codes, batch.units
    pow10 = np.array([unit.pow10 for unit in ulist], dtype=np.int64)
    at_odd, odd_code = _odd_unit(of, pos, starts, sizes, unit_of, ulist)
    route = np.array(sent, dtype=bool) | (sizes > MOST)
    c, big = fitting(batch.coef)
    route[of[big]] = True
    e = np.array(batch.exp, dtype=np.int64)
    u = pow10[unit_of]
    big_e = e + u
    g = np.minimum.reduceat(big_e, starts)
    shift = big_e - g[of]
    route |= np.logical_or.reduceat((e > 0) | (shift + ndigits(c) > _FIT), starts)
    keep = ~route[of]
    c = np.where(keep, c, 0)
    shift = np.where(keep, shift, 0)
    vals = c * P10[shift]  # each figure on its sum's grid 10**g
    total_sum = np.add.reduceat(np.where(pos > 0, vals, 0), starts)
    diff = vals[starts] - total_sum
    t = np.where(pos == 0, total_sum[of], vals + diff[of])  # each figure's target, on the grid
    exact = tolerance.policy is Policy.EXACT
    half = np.zeros(len(of), dtype=bool) if exact else ~((e >= 0) & (tolerance.policy is Policy.DIGITS))
    tol0 = np.add.reduceat(np.where(half, 5 * P10[shift], 0), starts)  # on the judge's grid 10**(g - 1)
    diff0 = diff * 10
    le = np.array([kind == "sum-le" for kind in batch.kinds], dtype=bool)
    return SumGrid(
        sizes,
        starts,
        of,
        pos,
        pow10,
        at_odd,
        odd_code,
        route,
        big,
        c,
        e,
        u,
        big_e,
        g,
        shift,
        keep,
        vals,
        t,
        exact,
        half,
        tol0,
        diff0,
        le,
    )


def settle_sums(
    rels: Sequence[Relation] | Batch,
    shown: Sequence[str],
    tolerance: Tolerance,
    cleared: Sequence[bool] | None = None,
) -> tuple[dict[str, Any], list[int]]:
    """The diagnoses bulk gives one-relation sums (``None``: left to the localiser), and the
    indices of the sums sent to bulk's Python path. ``shown``: each sum's difference in words.
    A table sum goes to bulk's path (the localiser's two slips together), unless ``cleared``
    says :func:`fundaudit.causes.bulk._pairs` has found no such pair for it."""
    n = len(rels)
    if n == 0:
        return {}, []
    batch = _batch(rels)
    flat, coef, exp, unit_of, ulist = batch.figs, batch.coef, batch.exp, batch.codes, batch.units
    sent = [rule.startswith("table-") for rule in batch.rules]  # two slips together: localise.pairs
    if cleared is not None:
        sent = [table and not done for table, done in zip(sent, cleared, strict=True)]
    (
        sizes,
        starts,
        of,
        pos,
        pow10,
        at_odd,
        odd_code,
        route,
        _big,
        c,
        e,
        u,
        big_e,
        g,
        shift,
        keep,
        vals,
        t,
        exact,
        half,
        tol0,
        diff0,
        le,
    ) = sum_grid(batch, sent, tolerance)

    def verdicts(d: Array, tol: Array) -> Array:
        """bulk's verdict codes of each figure's sum with difference ``d`` and allowance ``tol``."""
        plain = np.where(d == 0, _MATCH, np.where(np.abs(d) <= tol, _ROUNDING, _OFF))
        lesser = np.where(d == 0, _MATCH, np.where(d > 0, _WITHIN, np.where(-d <= tol, _ROUNDING, _OFF)))
        return np.where(le[of], lesser, plain)

    # the other proposers: the figure read in a sibling unit (unit_slip) or with its point
    # moved (decimal_shift) within 5 % of its target; bulk's own screens, then its 5 % test
    length = ndigits(c)
    tlen = ndigits(np.abs(t))
    reach = tlen + g[of] - length - big_e  # the target's order of magnitude over the figure's
    maybe = (c == 0) & (t == 0) & keep  # 0 read in another unit: the sum's own verdict, or near it
    moves: list[tuple[int, Array, Unit | None]] = [(k, keep, None) for k in decimal_shift.SHIFTS]
    for code, unit in enumerate(ulist):
        for other in sibling_units(unit):
            moves.append((other.pow10 - unit.pow10, unit_of == code, other))
    vlen = ndigits(vals)
    lesser = le.tolist()
    sums = (g.tolist(), diff0.tolist(), tol0.tolist())
    for k, mine_, into in moves:
        near = mine_ & keep & (c != 0) & (t > 0) & (np.abs(reach - k) <= 1)
        if not near.any():
            continue
        fits = (vlen + max(k, 0) <= _SAFE) & (tlen + max(-k, 0) <= _SAFE)
        x = np.where(near & fits, vals * P10[max(k, 0)], 0)
        y = np.where(near & fits, t * P10[max(-k, 0)], 0)
        maybe |= near & ~fits
        for row in np.flatnonzero(near & fits & (np.abs(x - y) * 20 <= y)).tolist():
            r = int(of[row])  # within 5 %: bulk's candidate only when it holds, then bulk's path
            i = int(pos[row])
            f = (Written(coef[row], exp[row]), ulist[int(unit_of[row])])  # the figure as written
            move = (i, shifted(f[0], k), f[1]) if into is None else (i, f[0], into)
            if _judged({i: f}, [move], sums[0][r], sums[1][r], sums[2][r], lesser[r], tolerance) != _OFF:
                maybe[row] = True
    route |= np.logical_or.reduceat(maybe, starts)
    keep = ~route[of]

    # odd-unit (o): the figure in a unit odd among the others read in theirs, its target written
    # exactly with at most four decimals (then the sum matches)
    has_o = np.zeros(len(of), dtype=bool)
    has_o[(starts + at_odd)[at_odd >= 0]] = True
    ou = np.zeros(len(of), dtype=np.int64)
    ou_code = np.zeros(len(of), dtype=np.int64)
    ou_code[(starts + at_odd)[at_odd >= 0]] = odd_code[at_odd >= 0]
    ou = pow10[ou_code]
    has_o &= keep & (t > 0)
    mo = g[of] - ou
    route |= np.logical_or.reduceat(has_o & (mo > 0), starts)
    keep = ~route[of]
    has_o &= keep
    oc, oe = _written(np.where(has_o, t, 0), np.where(has_o, mo, 0))
    has_o &= -oe <= 4

    # the residual (w): the target written exactly with at most the figure's decimals plus four,
    # else the first rounding of it to 1-4 more digits that holds; and the target rounded to the
    # figure's own digits (r), when that holds
    m = g[of] - u  # the target is t × 10**m in the figure's unit (m <= e <= 0)
    skip = ~keep | (t < 0) | ((t == 0) & (c != 0))
    tt = np.where(skip, 0, t)
    wc, we = _written(tt, m)
    wv = np.zeros(len(of), dtype=np.int64)
    most = np.maximum(-e, 0) + 4
    loop = ~skip & (-we > most)
    found = ~skip & ~loop
    h_here = np.where(half, 5 * P10[_at(shift)], 0)
    for dd in range(1, 5):  # shift > 4 >= dd where the loop runs: the rounding is on the grid
        left = loop & ~found
        if not left.any():
            break
        den = P10[_at(shift - dd)]
        rc_ = tt // den + (2 * (tt % den) >= den)
        moved = rc_ * P10[_at(shift - dd + 1)] - c * P10[_at(shift + 1)]
        tol = tol0[of] - h_here + (0 if exact else 5 * P10[_at(shift - dd)])
        v = verdicts(diff0[of] + np.where(pos == 0, moved, -moved), tol)
        now = left & (v != _OFF)
        wc = np.where(now, rc_, wc)
        we = np.where(now, e - dd, we)
        wv = np.where(now, v, wv)
        found |= now
    written_w = found.copy()  # in localise.residual's list (the figure's own value too)
    has_w = found & ~((wc == c) & (we == e))
    den = P10[_at(e - m)]
    rc = tt // den + (2 * (tt % den) >= den)
    has_r = ~skip & (rc != c) & ~(written_w & (wc == rc) & (we == e))
    moved_r = (rc - c) * P10[_at(shift + 1)]
    rv = verdicts(diff0[of] + np.where(pos == 0, moved_r, -moved_r), tol0[of])
    has_r &= rv != _OFF

    # bulk's pool: one candidate per figure and value, the one written with fewer digits (or in
    # the figure's own unit) kept, in the order o, w, r
    lo, lw, lr = ndigits(oc), ndigits(wc), ndigits(rc)
    ow = has_o & has_w & _same(oc, oe + ou - u, wc, we)
    w_wins = lw <= lo  # (len(w), False) < (len(o), True)
    has_o &= ~(ow & w_wins)
    has_w &= ~(ow & ~w_wins)
    wr = has_r & written_w & _same(wc, we, rc, e)  # r meets w's value: held by w, or by o
    held_o = wr & ~has_w & has_o
    r_wins = np.where(held_o, lr < lo, lr < lw)
    has_w &= ~(wr & r_wins)
    has_o &= ~(held_o & r_wins)
    has_r &= ~(wr & ~r_wins)
    orr = has_r & has_o & ~wr & _same(oc, oe + ou - u, rc, e)
    r_wins = lr < lo
    has_o &= ~(orr & r_wins)
    has_r &= ~(orr & ~r_wins)

    # every candidate, classified and keyed as bulk._ranked keys it
    # each candidate's share of the sum's difference and allowance on the judge's grid 10**(g - 1)
    # (every candidate is on the grid 10**g or coarser): a verdict with two moved is a sum
    sign = np.where(pos == 0, 1, -1)
    own_half = np.where(half, 5 * P10[_at(shift)], 0)

    def shares(x: Array, y: Array, p: Array) -> tuple[Array, Array]:
        on = np.minimum(np.maximum(y + p - g[of], 0), 17)
        moved = sign * (x * P10[on] * 10 - vals * 10)
        now = np.zeros(len(of), dtype=bool) if exact else ~((y >= 0) & (tolerance.policy is Policy.DIGITS))
        return moved, np.where(now, 5 * P10[on], 0) - own_half

    sets = (
        (has_o, oc, oe, ou_code, 0, *shares(oc, oe, ou)),
        (has_w, wc, we, unit_of, wv, *shares(wc, we, u)),
        (has_r, rc, e, unit_of, rv, *shares(rc, e, u)),
    )
    fig = np.concatenate([np.flatnonzero(x[0]) for x in sets])
    cands = Cands(
        fig,
        np.concatenate([x[1][x[0]] for x in sets]),
        np.concatenate([x[2][x[0]] for x in sets]),
        np.concatenate([x[3][x[0]] for x in sets]),
        np.concatenate([np.broadcast_to(x[4], len(of))[x[0]] for x in sets]),
        np.concatenate([np.full(int(has_o.sum()), True), np.zeros(len(fig) - int(has_o.sum()), dtype=bool)]),
    )
    dm = np.concatenate([x[5][x[0]] for x in sets]).tolist()
    dt = np.concatenate([x[6][x[0]] for x in sets]).tolist()
    diff0_, tol0_ = diff0.tolist(), tol0.tolist()

    def judged(k: int, rows: Sequence[int]) -> int:
        d, t = diff0_[k], tol0_[k]
        for row in rows:
            d += dm[row]
            t += dt[row]
        if lesser[k]:
            return _MATCH if d == 0 else _WITHIN if d > 0 else _ROUNDING if -d <= t else _OFF
        return _MATCH if d == 0 else _ROUNDING if abs(d) <= t else _OFF

    dm_, dt_ = np.array(dm, dtype=np.int64), np.array(dt, dtype=np.int64)

    def pairs(a: Array, b: Array) -> Array:
        r = of[fig[a]]
        d = diff0[r] + dm_[a] + dm_[b]
        t = tol0[r] + dt_[a] + dt_[b]
        plain = np.where(d == 0, _MATCH, np.where(np.abs(d) <= t, _ROUNDING, _OFF))
        lesser_ = np.where(d == 0, _MATCH, np.where(d > 0, _WITHIN, np.where(-d <= t, _ROUNDING, _OFF)))
        return np.where(le[r], lesser_, plain)

    at = Figures(flat, starts, of, pos, c, e, u, ulist)
    stale = (pos[fig] == 0) & (sizes[of[fig]] > 2)
    return _finish(batch, at, cands, stale, route, judged, shown, pairs)


def settle_products(rels: Sequence[Relation] | Batch, tolerance: Tolerance) -> tuple[dict[str, Any], list[int]]:
    """:func:`settle_sums` for one-relation products ``total = a × b`` (bulk._proposed_product's
    candidates: each figure read in a sibling unit, its point moved, set to its target written
    exactly or rounded). No product here is left to the localiser but as bulk leaves it."""
    from fundaudit.causes.bulk import _pows, _product_verdict, _siblings

    n = len(rels)
    if n == 0:
        return {}, []
    batch = _batch(rels)
    flat, coef, exp, ucode, ulist = batch.figs, batch.coef, batch.exp, batch.codes, list(batch.units)
    code = unit_codes(ulist)
    three = np.arange(3 * n) % 3
    at_odd, _common = _odd_unit(np.arange(3 * n) // 3, three, 3 * np.arange(n), np.full(n, 3), ucode, ulist)
    sent = (at_odd >= 0).tolist()  # bulk's odd-unit proposer
    c, big = fitting(coef)
    route = np.array(sent, dtype=bool)
    route[np.flatnonzero(big) // 3] = True
    c = c.reshape(n, 3)
    e = np.array(exp, dtype=np.int64).reshape(n, 3)
    uc = ucode.reshape(n, 3)
    pow10 = np.array([unit.pow10 for unit in ulist], dtype=np.int64)
    up = pow10[uc]
    fp = up.copy()  # each figure's power of ten in the judge's product (% is 10**-2)
    triples, which = np.unique(uc, axis=0, return_inverse=True)
    which = which.reshape(-1)
    for t, (ut, ua, ub) in enumerate(triples.tolist()):
        pa, pb = _pows(ulist[ua], ulist[ub], ulist[ut])
        mine = which == t
        if pa is None or pb is None:
            route |= mine
            continue
        fp[mine, 1], fp[mine, 2] = pa, pb
    exact = tolerance.policy is Policy.EXACT
    digits_only = tolerance.policy is Policy.DIGITS

    def halves(ex: Array) -> Array:
        return np.zeros(ex.shape, dtype=bool) if exact else ~((ex >= 0) & digits_only)

    def verdicts(rows: Array, i: Array, nc: Array, ne: Array, nfp: Array) -> Array:
        """bulk's verdict codes of the products at ``rows`` with figure ``i`` set to ``nc × 10**ne``
        in a unit of power ``nfp`` in the product."""
        cc, ee, hh = c[rows].copy(), (e + fp)[rows].copy(), halves(e)[rows].copy()
        at = np.arange(len(rows))
        cc[at, i], ee[at, i], hh[at, i] = nc, ne + nfp, halves(ne)
        return _product_verdicts(cc, ee, hh)

    # candidates in bulk's order within a figure: unit slips (0), points moved (1), w (2), r (3)
    out: list[tuple[Array, ...]] = []  # (rel, i, nc, ne, unit code, verdict, seq, power in the product)
    live = np.flatnonzero(~route)
    for t, triple in enumerate(triples.tolist()):
        rows = live[which[live] == t]
        if not len(rows):
            continue
        for i in range(3):
            for sibling in _siblings(ulist[triple[i]]):
                now = [ulist[x] for x in triple]
                now[i] = sibling
                pa, pb = _pows(now[1], now[2], now[0])
                if pa is None or pb is None:
                    continue
                nfp = (sibling.pow10, pa, pb)[i]
                ii = np.full(len(rows), i)
                v = verdicts(rows, ii, c[rows, i], e[rows, i], np.full(len(rows), nfp))
                keep = v != _OFF
                out.append(
                    (
                        rows[keep],
                        ii[keep],
                        c[rows, i][keep],
                        e[rows, i][keep],
                        np.full(int(keep.sum()), code(sibling)),
                        v[keep],
                        np.zeros(int(keep.sum()), dtype=np.int64),
                    )
                )
    # every figure's point moved every way at once (decimal_shift.SHIFTS)
    shifts = np.array(decimal_shift.SHIFTS, dtype=np.int64)
    rows_i = [(live[c[live, i] != 0], i) for i in range(3)]
    rows = np.repeat(np.concatenate([r for r, _i in rows_i]), len(shifts))
    ii = np.repeat(np.concatenate([np.full(len(r), i) for r, i in rows_i]), len(shifts))
    k_ = np.tile(shifts, len(rows) // len(shifts))
    fc, ne = c[rows, ii], e[rows, ii] + k_
    whole = ne > 0
    too = whole & (ndigits(fc) + ne > _SAFE)
    route[rows[too]] = True
    nc = np.where(whole & ~too, fc * P10[_at(ne)], fc)
    ne = np.where(whole, 0, ne)
    v = verdicts(rows, ii, nc, ne, fp[rows, ii])
    keep = (v != _OFF) & ~too
    out.append(
        (
            rows[keep],
            ii[keep],
            nc[keep],
            ne[keep],
            uc[rows, ii][keep],
            v[keep],
            np.ones(int(keep.sum()), dtype=np.int64),
        )
    )
    # the targets, each a reduced fraction p / q in its figure's unit
    ct, ca, cb = c[:, 0], c[:, 1], c[:, 2]
    ea, eb, et = e[:, 1] + fp[:, 1], e[:, 2] + fp[:, 2], e[:, 0] + up[:, 0]
    wanted = (
        (0, ca * cb, np.ones(n, dtype=np.int64), ea + eb - up[:, 0], np.ones(n, dtype=bool)),
        (1, ct, cb, et - eb - fp[:, 1], cb != 0),
        (2, ct, ca, et - ea - fp[:, 2], ca != 0),
    )
    big_ab = ndigits(ca) + ndigits(cb) > _SAFE
    route |= big_ab
    picked = [(np.flatnonzero(has & ~route), i, num, den, m) for i, num, den, m, has in wanted]
    # the three targets of every product at once
    rows = np.concatenate([r for r, *_ in picked])
    ii = np.concatenate([np.full(len(r), i) for r, i, *_ in picked])
    num = np.concatenate([np.where(big_ab, 0, x)[r] for r, _i, x, _d, _m in picked])
    den = np.concatenate([x[r] for r, _i, _n, x, _m in picked])
    m = np.concatenate([x[r] for r, _i, _n, _d, x in picked])
    too = (ndigits(num) + np.maximum(m, 0) > _SAFE) | (ndigits(den) + np.maximum(-m, 0) > _SAFE)
    route[rows[too]] = True
    rows, ii, num, den, m = rows[~too], ii[~too], num[~too], den[~too], m[~too]
    p = np.where(m >= 0, num * P10[_at(m)], num)
    q = np.where(m >= 0, den, den * P10[_at(-m)])
    k_ = np.gcd(p, q)
    p, q = p // k_, q // k_
    fc, fe = c[rows, ii], e[rows, ii]
    skip = (p == 0) & (fc != 0)
    rows, ii, p, q, fc, fe = rows[~skip], ii[~skip], p[~skip], q[~skip], fc[~skip], fe[~skip]
    # written_fraction(p, q, decimals + 4)
    two, r = _valuation(q, 2)
    five, r = _valuation(r, 5)
    d = np.maximum(two, five)
    exact_w = (r == 1) & (d <= np.maximum(-fe, 0) + 4)
    per = np.where(exact_w & (d <= 18), P10[_at(d)] // q, 0)  # q divides 10**d
    too = exact_w & ((d > 18) | (ndigits(p) + ndigits(per) > _SAFE + 1))
    route[rows[too]] = True
    exact_w &= ~too
    wc = np.where(exact_w, p * per, 0)
    we = -d
    wv = np.where(exact_w, verdicts(rows, ii, wc, we, fp[rows, ii]), _OFF)
    found = exact_w.copy()
    for dd in range(1, 5):  # else the first rounding to 1-4 more digits that holds
        left = ~found
        if not left.any():
            break
        rc_, bad = _rounded_q(p, q, fe - dd)
        route[rows[left & bad]] = True
        v = verdicts(rows, ii, rc_, fe - dd, fp[rows, ii])
        now = left & ~bad & (v != _OFF)
        wc, we, wv = np.where(now, rc_, wc), np.where(now, fe - dd, we), np.where(now, v, wv)
        found |= now
    has_w = found & ~((wc == fc) & (we == fe))
    rc, bad = _rounded_q(p, q, fe)
    route[rows[bad]] = True
    rv = verdicts(rows, ii, rc, fe, fp[rows, ii])
    has_r = ~bad & (rc != fc) & ~(found & (wc == rc) & (we == fe)) & (rv != _OFF)
    for has_, x, y, v, kind in ((has_w, wc, we, wv, 2), (has_r, rc, fe, rv, 3)):
        out.append(
            (rows[has_], ii[has_], x[has_], y[has_], uc[rows, ii][has_], v[has_], np.full(int(has_.sum()), kind))
        )
    crel, ci, nc, ne, cu, verdict, seq = (np.concatenate([o[j] for o in out]) for j in range(7))
    alive = ~route[crel]
    crel, ci, nc, ne, cu, verdict, seq = (x[alive] for x in (crel, ci, nc, ne, cu, verdict, seq))
    # bulk's pool: one candidate per figure and value, the first written with the fewest digits
    # (then in the figure's own unit)
    sc, tz = stripped(nc)
    pow10 = np.array([unit.pow10 for unit in ulist], dtype=np.int64)  # the siblings' too
    ve = np.where(nc == 0, 0, ne + pow10[cu] + tz)
    other = cu != uc[crel, ci]
    order = np.lexsort((seq, other, ndigits(nc), ve, sc, ci, crel))
    first = np.ones(len(order), dtype=bool)
    same = (crel[order][1:] == crel[order][:-1]) & (ci[order][1:] == ci[order][:-1])
    same &= (sc[order][1:] == sc[order][:-1]) & (ve[order][1:] == ve[order][:-1])
    first[1:] = ~same
    pick = order[first]
    cands = Cands(
        3 * crel[pick] + ci[pick], nc[pick], ne[pick], cu[pick], verdict[pick], np.zeros(len(pick), dtype=bool)
    )
    of = np.repeat(np.arange(n), 3)
    at = Figures(
        flat, 3 * np.arange(n), of, np.tile(np.arange(3), n), c.reshape(-1), e.reshape(-1), up.reshape(-1), ulist
    )

    cc, ce, cu_, ci_ = (x.tolist() for x in (cands.nc, cands.ne, cands.unit, ci[pick]))

    def judged(k: int, rows: Sequence[int]) -> int:
        now = [(Written(coef[j], exp[j]), ulist[ucode[j]]) for j in range(3 * k, 3 * k + 3)]
        for row in rows:
            now[ci_[row]] = (Written(cc[row], ce[row]), ulist[cu_[row]])
        return _product_verdict(now, tolerance)

    prel, pci, pnc, pne, pother = crel[pick], ci[pick], nc[pick], ne[pick], other[pick]

    def pairs(a: Array, b: Array) -> Array:
        r = prel[a]
        cc, ee, hh = c[r].copy(), (e + fp)[r].copy(), halves(e)[r].copy()
        rows_ = np.arange(len(r))
        for x in (a, b):
            cc[rows_, pci[x]] = pnc[x]
            ee[rows_, pci[x]] = pne[x] + fp[r, pci[x]]
            hh[rows_, pci[x]] = halves(pne[x])
        got = _product_verdicts(cc, ee, hh)
        return np.where(pother[a] | pother[b] | (pci[a] == pci[b]), -1, got)  # a unit changed: judged alone

    return _finish(batch, at, cands, np.zeros(len(pick), dtype=bool), route, judged, [""] * n, pairs)


def unit_codes(ulist: list[Unit]) -> Callable[[Unit], int]:
    """Each unit's code: its index in ``ulist``, where a unit not yet in it is appended."""
    units = {unit: k for k, unit in enumerate(ulist)}

    def code(unit: Unit) -> int:
        got = units.get(unit)
        if got is None:
            got = units[unit] = len(ulist)
            ulist.append(unit)
        return got

    return code


def _valuation(q: Array, prime: int) -> tuple[Array, Array]:
    """How many times ``prime`` divides each positive ``q``, and what is left."""
    q = q.copy()
    k = np.zeros(len(q), dtype=np.int64)
    while True:
        m = (q % prime == 0) & (q != 0)
        if not m.any():
            return k, q
        q[m] //= prime
        k[m] += 1


def _rounded_q(p: Array, q: Array, x: Array) -> tuple[Array, Array]:
    """bulk._rounded_q: each non-negative ``p / q`` rounded half up to the digit 10**x, and
    whether it did not fit int64 (then 0)."""
    bad = (x <= 0) & (ndigits(p) - x > _SAFE) | (x > 0) & (ndigits(q) + x > _SAFE)
    num = np.where(bad, 0, np.where(x <= 0, p * P10[_at(-x)], p))
    den = np.where(bad, 1, np.where(x <= 0, q, q * P10[_at(x)]))
    r, rem = num // den, num % den
    return r + (2 * rem >= den), bad


def _product_verdicts(cc: Array, ee: Array, hh: Array) -> Array:
    """bulk's verdict codes of products ``total = a × b``: per row the coefficients, the
    exponents in the judge's base units and whether each figure has a rounding allowance of
    (total, a, b); in int64 where every term fits, else in Python integers."""
    ct, ca, cb = cc[:, 0], cc[:, 1], cc[:, 2]
    et, ea, eb = ee[:, 0], ee[:, 1], ee[:, 2]
    ht, ha, hb = hh[:, 0], hh[:, 1], hh[:, 2]
    g = np.minimum(ea + eb - 2, et - 1)
    fits = (ndigits(ct) + et - g <= _SAFE) & (ndigits(ca) + ndigits(cb) + ea + eb - g <= _SAFE)
    ab = _at(ea + eb - g)
    st = _at(et - g)
    z = np.where(fits, 1, 0)
    diff = z * ct * P10[st] - z * ca * cb * P10[ab]
    tol = (
        np.where(hb, 5 * z * ca * P10[_at(ab - 1)], 0)
        + np.where(ha, 5 * z * cb * P10[_at(ab - 1)], 0)
        + np.where(ha & hb, 25 * P10[_at(ab - 2)], 0)
        + np.where(ht, 5 * P10[_at(st - 1)], 0)
    )
    out = np.where(diff == 0, _MATCH, np.where(np.abs(diff) <= tol, _ROUNDING, _OFF))
    bad = np.flatnonzero(~fits)
    if len(bad):  # in Python integers, element by element (object arrays)
        t_, a_, b_ = ct[bad].astype(object), ca[bad].astype(object), cb[bad].astype(object)
        st_, ab_ = (et - g)[bad].astype(object), (ea + eb - g)[bad].astype(object)
        ten = np.full(len(bad), 10, dtype=object)
        d = t_ * ten**st_ - a_ * b_ * ten**ab_
        ha_, hb_, ht_ = ha[bad], hb[bad], ht[bad]
        t = (
            np.where(hb_, 5 * a_ * ten ** (ab_ - 1), 0)
            + np.where(ha_, 5 * b_ * ten ** (ab_ - 1), 0)
            + np.where(ha_ & hb_, 25 * ten ** (ab_ - 2), 0)
            + np.where(ht_, 5 * ten ** (st_ - 1), 0)
        )
        out[bad] = np.where(d == 0, _MATCH, np.where(np.abs(d) <= t, _ROUNDING, _OFF))
    return out


class Figures:
    """The figures of a set of relations, one row each: ``starts`` of each relation, ``of`` the
    relation of each, ``pos`` its place (0: the total), its coefficient, exponent and unit's power
    of ten; ``units``: the units the candidates' codes index."""

    def __init__(
        self,
        figs: Sequence[Figure],
        starts: Array,
        of: Array,
        pos: Array,
        c: Array,
        e: Array,
        u: Array,
        units: list[Unit],
    ) -> None:
        self.figs, self.starts, self.of, self.pos, self.c, self.e, self.u = figs, starts, of, pos, c, e, u
        self.units = units


class Cands:
    """Candidates, one row each: the figure's row, the corrected coefficient and exponent, the
    unit's code, bulk's verdict code, and whether it is an odd-unit one (its detail)."""

    def __init__(self, fig: Array, nc: Array, ne: Array, unit: Array, verdict: Array, odd: Array):
        self.fig, self.nc, self.ne, self.unit, self.verdict, self.odd = fig, nc, ne, unit, verdict, odd


_Judge = Callable[[int, Sequence[int]], int]  # a relation's verdict with candidates (rows) applied


def _finish(
    rels: Batch,
    at: Figures,
    cands: Cands,
    stale: Array,
    route: Array,
    judged: _Judge,
    shown: Sequence[str],
    pairs: Callable[[Array, Array], Array],
) -> tuple[dict[str, Any], list[int]]:
    """bulk._ranked over every relation's candidates (bulk's pool already made): classified,
    keyed, ranked, the best and its rivals made a diagnosis; the relations routed are left out.

    Everything but the words is arrays: the ranking (bulk's last key, the candidate's text, by
    its figure's ref as a rank of the refs' reprs), the rivals judged again once the best is
    accepted (:func:`pairs`, ``judged`` where it cannot), which of them contend; the words are
    put together relation by relation (:meth:`Words.settled`)."""
    n = len(rels)
    fig = cands.fig
    crel = at.of[fig]
    units = at.units
    pow10 = np.array([unit.pow10 for unit in units], dtype=np.int64)
    du = pow10[cands.unit] - at.u[fig]
    restated = np.array([rule in RESTATED for rule in rels.rules], dtype=bool)[crel]
    kind, changed, unsure = classify(at.c[fig], at.e[fig], cands.nc, cands.ne, du, restated, stale)
    route = route.copy()
    route[crel[unsure]] = True
    key = ((_RANK[kind] * 2 + (at.pos[fig] > 0)) * 64 + significant(cands.nc)) * 64 + changed
    hyp = (cands.verdict == _MATCH) | (cands.verdict == _ROUNDING)
    order = np.lexsort((key, ~hyp, crel))
    bounds = np.searchsorted(crel[order], np.arange(n + 1))
    head = bounds[:-1]
    carried = np.zeros(n, dtype=bool)
    np.logical_or.at(carried, crel, _CARRIED[kind])
    hyps = np.zeros(n, dtype=np.int64)
    np.add.at(hyps, crel, hyp)
    cut = np.minimum(hyps, 1 + RIVALS)  # the best and its rivals
    live = ~route & (hyps > 0)
    # the relations where bulk's last key (the candidate's text) may decide the first candidates:
    # two of equal key at or before the last of the first 1 + RIVALS
    sk, sr, sh = key[order], crel[order], hyp[order]
    last = sk[np.minimum(head + cut - 1, len(sk) - 1)] if len(sk) else np.zeros(n, dtype=np.int64)
    tie = np.zeros(n, dtype=bool)
    if len(sk) > 1:
        both = (sr[1:] == sr[:-1]) & (sk[1:] == sk[:-1]) & sh[1:] & (sk[:-1] <= last[sr[:-1]])
        tie[sr[:-1][both]] = True
    tie &= live
    # the refs of the first candidates' figures, and of every one of a tie
    figures = at.figs
    records = getattr(figures, "records", None)
    words = Words(raw=records is not None)
    count = np.where(tie, hyps, cut)[live]
    wanted = np.repeat(head[live] - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
    if records is not None:  # from columns: the ref column read once
        refs: dict[int, str] = figures.refs(fig[order[wanted]])  # type: ignore[attr-defined]
    else:
        refs = {i: figures[i].ref for i in fig[order[wanted]].tolist()}
    if tie.any():  # bulk's last key, by the rank of the repr of the figure's ref among the ties'
        inhead = tie[sr] & sh & (sk <= last[sr])
        hp = np.flatnonzero(inhead)
        reprs = [repr(refs[i]) for i in fig[order[hp]].tolist()]
        ranks = {r: j for j, r in enumerate(sorted(set(reprs)))}
        rank = np.zeros(len(order), dtype=np.int64)
        rank[hp] = [ranks[r] for r in reprs]
        perm = np.lexsort((np.arange(len(order)), rank, np.where(inhead, sk, 0), ~inhead, sr))
        order, inhead = order[perm], inhead[perm]
        sk, fo = key[order], fig[order]
        twice = (sr[1:] == sr[:-1]) & inhead[1:] & inhead[:-1] & (sk[1:] == sk[:-1]) & (fo[1:] == fo[:-1])
        for k in np.unique(sr[:-1][twice]).tolist():  # one figure twice: the whole key text
            b, m = int(head[k]), int(inhead[head[k] : bounds[k + 1]].sum())
            top: list[_Row] = [
                (i, f, c, e, u, 0, x, False)
                for i, f, c, e, u, x in zip(
                    order[b : b + m].tolist(),
                    fig[order[b : b + m]].tolist(),
                    cands.nc[order[b : b + m]].tolist(),
                    cands.ne[order[b : b + m]].tolist(),
                    cands.unit[order[b : b + m]].tolist(),
                    key[order[b : b + m]].tolist(),
                    strict=True,
                )
            ]
            order[b : b + m] = [h[0] for h in _tie_broken(top, int(cut[k]), refs.__getitem__, units)]
    # the best and its rivals of each relation settled here, one slot each
    lk = np.flatnonzero(live)
    per = cut[lk]
    srel = np.repeat(lk, per)
    sj = np.arange(len(srel)) - np.repeat(np.cumsum(per) - per, per)
    scand = order[head[srel] + sj]
    sfirst = order[head[srel]]
    sfig = fig[scand]
    skind = kind[scand]
    # each rival judged again once the best is accepted: alive when the relation still fails
    alive = np.ones(len(srel), dtype=bool)
    other = (sj > 0) & (sfig != fig[sfirst])
    lenient = _LENIENT[skind] | _LENIENT[kind[sfirst]]
    alive[other & lenient] = False
    ask = np.flatnonzero(other & ~lenient)
    if len(ask):
        v = np.asarray(pairs(sfirst[ask], scand[ask]), dtype=np.int64)
        for x in np.flatnonzero(v < 0).tolist():  # not as arrays: bulk's verdict
            v[x] = judged(int(srel[ask[x]]), (int(sfirst[ask[x]]), int(scand[ask[x]])))
        alive[ask] = v == _OFF
    contends = alive & (sj > 0) & (skind != NONE)
    alike = contends & (skind == kind[sfirst])
    # the figures the words name: the best's, each rival's the first time (its culprits), the alike
    again = np.zeros(len(sfig), dtype=bool)
    for x in range(1, RIVALS + 1):
        again[x:] |= (sj[x:] >= x) & (sfig[x:] == sfig[:-x])
    named = ~again | alike
    rows_named = sfig[named].tolist()
    made = records(rows_named) if records is not None else {i: figures[i] for i in rows_named}
    slots = Slots(
        [refs[i] for i in sfig.tolist()],
        [made[i] if x else None for i, x in zip(sfig.tolist(), named.tolist(), strict=True)],
        cands.nc[scand].tolist(),
        cands.ne[scand].tolist(),
        cands.unit[scand].tolist(),
        skind.tolist(),
        cands.odd[scand].tolist(),
        contends.tolist(),
        alike,
    )
    done = words.settled(rels, units, lk.tolist(), per.tolist(), slots, shown)
    for k in np.flatnonzero(~route & (hyps == 0)).tolist():
        done[rels.ids[k]] = None if carried[k] else words.unexplained(rels.ids[k], *rels.loose[k])
    return done, np.flatnonzero(route).tolist()


_LENIENT = np.array([k in LENIENT for k in KINDS], dtype=bool)
_Row = tuple[int, int, int, int, int, int, int, bool]  # index, figure row, coefficient, exponent, unit, kind, key, odd


class Slots(NamedTuple):
    """The best candidate and its rivals of each relation settled, one slot each, relation by
    relation: the figure (a model object or a record), the corrected coefficient, exponent and
    unit code, the cause (index into :data:`KINDS`), whether it is an odd-unit correction,
    whether it contends (a rival still explaining the relation once the best is accepted, of a
    cause but ``unexplained``) and whether it contends with the best's own cause."""

    ref: list[str]
    figure: list[Any]  # None where the words do not name it (a rival's figure named before)
    nc: list[int]
    ne: list[int]
    unit: list[int]
    kind: list[int]
    odd: list[bool]
    contends: list[bool]
    alike: Array


def _tie_broken(top: list[_Row], cut: int, ref: Callable[[int], str], units: Sequence[Unit]) -> list[_Row]:
    """``top`` (ordered by key) with bulk's last key among those of a key up to the ``cut``-th's:
    the text of the candidate's key, ``('', ((ref, Fraction(...)),), (), '')`` — ordered by the
    repr of its figure's ref (``ref(row)``), which no other is a prefix of, then by the whole text."""
    limit = top[cut - 1][6]
    head = [h for h in top if h[6] <= limit]
    head.sort(key=lambda h: (h[6], repr(ref(h[1]))))
    if any(a[6] == b[6] and a[1] == b[1] for a, b in pairwise(head)):
        head.sort(key=lambda h: (h[6], _key_text(ref(h[1]), h[2], h[3], units[h[4]].pow10)))
    return head


Record = tuple[Any, ...]  # a figure read from columns: a row of the encoded table (fundaudit.columnar.group.Decoded)
Raw = tuple[Any, ...]  # a diagnosis of records: the fields of Diagnosis, culprits as (record, likely)


class Words:
    """:func:`fundaudit.causes.localise._diagnosis` of a relation settled alone by one correction
    (no correction accepted before it, nothing carried): its words from pieces looked up once in
    the current language."""

    def __init__(self, raw: bool = False) -> None:
        self.raw = raw  # figures given as records, the diagnosis made a Raw tuple
        self.label = i18n._("{label} (line {line})")
        self.pattern = i18n._(NO_PATTERN)
        self.templates = {cause.id: i18n._(cause.template) for cause in REGISTRY}
        self.as_likely = i18n._("; as likely: ")
        self.comma = i18n._(", ")
        self.to = i18n._("{figure} to {value}")
        self.severity = {cause.id: cause.severity for cause in REGISTRY}

    def ref(self, f: Any) -> str:
        """A figure's (or record's) ref."""
        return f[0] if self.raw else f.ref  # type: ignore[no-any-return]

    def labelled(self, f: Any) -> str:
        """A figure's (or record's) label, value and unit, and its source line, as the words name it."""
        if self.raw:
            return self.label.format(label=f"{f[1]} {format_scaled(f[2], f[3])} {f[4]}", line=f[8])
        return self.label.format(label=f"{f.label} {f.value.text()} {f.unit.text}", line=f.source.line)

    def unexplained(self, rid: str, empty: bool, missing: bool) -> Diagnosis | Raw:
        """:func:`fundaudit.causes.localise.unexplained_of` (a Raw tuple when the figures are records)."""
        got = localise.unexplained_of(rid, empty, missing)
        if not self.raw:
            return got
        return (got.cause, got.severity, got.root, got.text, (), got.explains, int(got.applicability), got.corrections)

    def settled(
        self, rels: Batch, units: Sequence[Unit], which: list[int], per: list[int], slots: Slots, shown: Sequence[str]
    ) -> dict[str, Any]:
        """The diagnoses of the relations ``which`` (indices into ``rels``), each the best
        correction of its ``per`` slots of ``slots`` then its rivals; ``shown``: each relation's
        difference in words."""
        texts = [u.text for u in units]
        figs, kinds, contends, refs = slots.figure, slots.kind, slots.contends, slots.ref
        likely = [
            f"{format_scaled(c, e)} {texts[u]}" if f is not None else ""
            for f, c, e, u in zip(figs, slots.nc, slots.ne, slots.unit, strict=True)
        ]
        starts = np.cumsum(np.array(per, dtype=np.int64)) - np.array(per, dtype=np.int64)
        alike = np.add.reduceat(slots.alike, starts).tolist() if len(per) else []
        causes = [KINDS[k] for k in range(len(KINDS))]
        templates = [self.templates[c] for c in causes]
        severities = [self.severity[c] for c in causes]
        likely_p = [Applicability.LIKELY if c not in ALONE_POSSIBLE else Applicability.POSSIBLE for c in causes]
        possible = Applicability.POSSIBLE
        labelled, raw, ids, totals, loose = self.labelled, self.raw, rels.ids, rels.totals, rels.loose
        done: dict[str, Any] = {}
        s = 0
        for k, m, same_ in zip(which, per, alike, strict=True):
            rid = ids[k]
            f, first, cause, ref = figs[s], likely[s], kinds[s], refs[s]
            culprit = labelled(f)
            none = cause == NONE
            odd = "odd-unit" if slots.odd[s] else ""
            detail = self.pattern.format(culprit=culprit, likely=first) if none else odd
            text = templates[cause].format(
                culprit=culprit, likely=first, detail=detail, difference=shown[k], unit=totals[k].text, count=detail
            )
            severity = WARNING if none and loose[k][0] else severities[cause]
            culprits = [(f, first)]
            applicability = possible if none else likely_p[cause]
            if m > 1:
                seen = [ref]
                for j in range(s + 1, s + m):
                    if refs[j] not in seen:
                        culprits.append((figs[j], likely[j]))
                    seen.append(refs[j])
                if any(contends[s + 1 : s + m]):
                    applicability = possible
                    if same_:  # as good a correction of another figure: the culprit is one of them
                        same = [j for j in range(s + 1, s + m) if slots.alike[j] and refs[j] != ref]
                        if same:
                            text += self.as_likely + self.comma.join(
                                self.to.format(figure=labelled(figs[j]), value=likely[j]) for j in same
                            )
            if raw:
                done[rid] = (causes[cause], severity, ref, text, tuple(culprits), (rid,), int(applicability), 1)
            else:
                done[rid] = Diagnosis(
                    causes[cause],
                    severity,
                    ref,
                    text,
                    tuple(Culprit(g, t) for g, t in culprits),
                    (rid,),
                    applicability,
                    1,
                )
            s += m
        return done


def _written(t: Array, m: Array) -> tuple[Array, Array]:
    """bulk._written of each non-negative ``t × 10**m`` (``m <= 0``) as (coefficient, exponent):
    the trailing zeros moved into the exponent, up to 10**0 (the decimals' limit is the caller's)."""
    _s, tz = stripped(t)
    z = np.where(t == 0, -m, np.minimum(tz, -m))
    return t // P10[_at(z)], m + z


def _same(ac: Array, ae: Array, bc: Array, be: Array) -> Array:
    """Whether ``ac × 10**ae`` and ``bc × 10**be`` are the same number (both below 10**17 on the grid)."""
    low = np.minimum(ae, be)
    return np.asarray(ac * P10[_at(ae - low)] == bc * P10[_at(be - low)])


def _key_text(ref: str, c: int, e: int, pow10: int) -> str:
    """bulk._key_text of a correction to ``c × 10**e`` in a unit of 10**pow10."""
    from fundaudit.causes.bulk import _key_text as text

    return text(ref, Written(c, e), Unit("", "", pow10))


def _judged(
    figs: Mapping[int, tuple[Written, Unit]],
    moves: Sequence[tuple[int, Written, Unit]],
    g: int,
    diff0: int,
    tol0: int,
    le: bool,
    tol: Tolerance,
) -> int:
    """bulk's verdict of a sum with figures moved (index, value, unit): the difference ``diff0``
    and allowance ``tol0`` on the grid 10**(g - 1) corrected term by term, on a grid fine enough
    for the moved figures (``figs``: the value and unit each moved figure is written in)."""
    at = min([g - 1, *(w.exponent + unit.pow10 - 1 for _i, w, unit in moves)])
    scale = 10 ** (g - 1 - at)
    d, t = diff0 * scale, tol0 * scale
    for i, w, unit in moves:
        was, own = figs[i]
        q, p = own.pow10, unit.pow10
        moved = w.coefficient * 10 ** (w.exponent + p - at) - was.coefficient * 10 ** (was.exponent + q - at)
        d += moved if i == 0 else -moved
        if tol.half_exponent(was.exponent, q) is not None:
            t -= 5 * 10 ** (was.exponent + q - 1 - at)
        if tol.half_exponent(w.exponent, p) is not None:
            t += 5 * 10 ** (w.exponent + p - 1 - at)
    if le:
        return _MATCH if d == 0 else _WITHIN if d > 0 else _ROUNDING if -d <= t else _OFF
    return _MATCH if d == 0 else _ROUNDING if abs(d) <= t else _OFF
