"""Settled as arrays: the cumulative schedules :mod:`fundaudit.causes.bulk` settles alone, a group at a time.

A cumulative schedule (an annual figure, then running totals that never fall and end at it)
fails when its last running total is not the annual figure, or when a running total falls. Bulk
settles one alone from the candidates of :func:`fundaudit.causes.bulk._proposed_cumulative`:
the annual figure and the last running total each read in a sibling unit or with its point
moved (within 5 % of its target: the other one's value), the figure in a unit odd among the
others read in theirs, and each one's target written exactly or rounded (the residual); every
verdict is :func:`fundaudit.causes.bulk._cumulative_verdict`'s. Here those candidates, their
verdicts and bulk's pool of them are computed for every such schedule of a group at once, as
``int64`` arrays on each schedule's exact grid, and ranked and worded by
:func:`fundaudit.causes.bulk_arrays._finish`, as the one-relation sums and products are.

Only the annual figure and the last running total move, so a verdict is the schedule's own
fixed part (no running total but the last falls by more than both allowances) and three
figures: the annual one, the last running total and the one before it. A schedule whose
numbers do not all fit ``int64`` (a figure past 10**15 on its grid, a positive exponent, more
than :data:`~fundaudit.causes.bulk_arrays.MOST` figures, a rounding past 10**18) is left to
bulk's Python integers, one at a time. No float is used. ``tests/test_bulk_cumulative.py``
holds this path equal to bulk's (hypothesis: mixed units and decimals, every tolerance policy).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fundaudit.causes import decimal_shift
from fundaudit.causes.bulk_arrays import (
    _FIT,
    _MATCH,
    _OFF,
    _ROUNDING,
    _SAFE,
    MOST,
    P10,
    Array,
    Batch,
    Cands,
    Figures,
    _at,
    _batch,
    _finish,
    _odd_unit,
    _written,
    fitting,
    ndigits,
    stripped,
    unit_codes,
)
from fundaudit.findings import Relation
from fundaudit.numbers import Written
from fundaudit.tolerance import Policy, Tolerance

_WIDE = 1 << 40  # an exponent no figure has


def settle_cumulative(
    rels: Sequence[Relation] | Batch, shown: Sequence[str], tolerance: Tolerance
) -> tuple[dict[str, Any], list[int]]:
    """The diagnoses bulk gives one-relation cumulative schedules (``None``: left to the
    localiser), and the indices of those sent to bulk's Python path. ``shown``: each schedule's
    difference (annual figure − last running total) in words."""
    from fundaudit.causes.bulk import _cumulative_verdict, _siblings

    n = len(rels)
    if n == 0:
        return {}, []
    batch = _batch(rels)
    ulist = list(batch.units)
    code = unit_codes(ulist)
    for unit in list(ulist):
        for sibling in _siblings(unit):
            code(sibling)
    pow10 = np.array([unit.pow10 for unit in ulist], dtype=np.int64)
    sizes = np.array(batch.count, dtype=np.int64)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    of = np.repeat(np.arange(n), sizes)  # each figure's schedule
    pos = np.arange(len(of)) - starts[of]  # 0: the annual figure
    codes = np.asarray(batch.codes, dtype=np.int64)
    route = (sizes > MOST) | (sizes < 2)
    c, big = fitting(batch.coef)
    route[of[big]] = True
    e = np.array(batch.exp, dtype=np.int64)
    u = pow10[codes]
    x = e + u  # each figure's exponent in its base unit
    route |= np.logical_or.reduceat(e > 0, starts)
    grid = np.minimum.reduceat(x, starts) - 1  # the judge's grid: one below the finest digit
    route |= np.logical_or.reduceat(ndigits(c) + x - grid[of] > _SAFE, starts)
    keep = ~route[of]
    c = np.where(keep, c, 0)
    exact = tolerance.policy is Policy.EXACT
    digits_only = tolerance.policy is Policy.DIGITS

    def halves(ex: Array) -> Array:
        return np.zeros(ex.shape, dtype=bool) if exact else ~((ex >= 0) & digits_only)

    sh = np.where(keep, x - grid[of], 1)
    vals = c * P10[_at(sh)]
    tols = np.where(halves(e), 5 * P10[_at(sh - 1)], 0)
    # the fixed part of every verdict: no running total but the last falls by more than both allowances
    last = sizes - 1
    inner = np.flatnonzero((pos >= 2) & (pos < last[of]))
    falls = np.zeros(n, dtype=bool)
    np.logical_or.at(falls, of[inner], vals[inner - 1] - vals[inner] > tols[inner - 1] + tols[inner])
    at0, atl = starts, starts + last  # the annual figure's row and the last running total's
    before = np.where(last >= 2, atl - 1, at0)  # the running total before the last

    def judge(r: Array, moved: tuple[Array, Array, Array], other: tuple[Array, Array, Array], i: Array) -> Array:
        """bulk's verdict codes of schedules ``r`` with figure ``i`` (0: the annual figure, 1: the
        last running total) written ``moved`` (coefficient, exponent, unit's power of ten) and
        the other one written ``other``; -1 where a number does not fit."""
        one = i == 1
        c0, e0, p0 = (np.where(one, a, b) for a, b in zip(other, moved, strict=True))
        cl, el, pl = (np.where(one, b, a) for a, b in zip(other, moved, strict=True))
        b_ = before[r]
        has = last[r] >= 2
        c1, e1, x1 = c[b_], e[b_], x[b_]
        x0, xl = e0 + p0, el + pl
        g = np.minimum(np.minimum(x0, xl), np.where(has, x1, _WIDE)) - 1
        fits = (ndigits(c0) + x0 - g <= _SAFE) & (ndigits(cl) + xl - g <= _SAFE)
        fits &= ~has | (ndigits(c1) + x1 - g <= _SAFE)
        z = np.where(fits, 1, 0)
        v0, vl, v1 = (z * k * P10[_at(y - g)] for k, y in ((c0, x0), (cl, xl), (c1, x1)))
        t0, tl, t1 = (np.where(halves(ee), 5 * z * P10[_at(y - 1 - g)], 0) for ee, y in ((e0, x0), (el, xl), (e1, x1)))
        d = v0 - vl
        out = np.where(d == 0, _MATCH, np.where(np.abs(d) <= t0 + tl, _ROUNDING, _OFF))
        out = np.where(falls[r] | (has & (v1 - vl > t1 + tl)), _OFF, out)
        return np.where(fits, out, -1)

    def stated(r: Array, i: Array) -> tuple[Array, Array, Array]:
        row = np.where(i == 1, atl[r], at0[r])
        return c[row], e[row], u[row]

    # each one's target: the other one's value, on the grid 10**gt of the two
    x0_, xl_ = x[at0], x[atl]
    gt = np.minimum(x0_, xl_)
    t0 = c[atl] * P10[_at(xl_ - gt)]
    tl = c[at0] * P10[_at(x0_ - gt)]
    route |= (ndigits(c[atl]) + xl_ - gt > _FIT) | (ndigits(c[at0]) + x0_ - gt > _FIT)
    out: list[tuple[Array, ...]] = []  # (schedule, figure 0/1, coefficient, exponent, unit code, verdict, seq, odd)

    def near(r: Array, i: Array, k: Array) -> tuple[Array, Array]:
        """bulk._near of each figure ``i`` of ``r`` (exponent ``k`` in the base unit) to its target,
        and where the numbers do not fit."""
        t = np.where(i == 1, tl[r], t0[r])
        cf = np.where(i == 1, c[atl[r]], c[at0[r]])
        m = np.minimum(gt[r], k)
        bad = (ndigits(cf) + k - m > _SAFE) | (ndigits(t) + gt[r] - m > _SAFE)
        a = np.where(bad, 0, cf * P10[_at(k - m)])
        b = np.where(bad, 0, t * P10[_at(gt[r] - m)])
        return ~bad & (np.abs(a - b) * 20 <= b), bad

    def add(r: Array, i: Array, nc: Array, ne: Array, cu: Array, v: Array, seq: int, odd: bool = False) -> None:
        out.append((r, i, nc, ne, cu, v, np.full(len(r), seq, dtype=np.int64), np.full(len(r), odd)))

    live = np.flatnonzero(~route)
    both = np.concatenate([live, live])
    which = np.repeat(np.array([0, 1], dtype=np.int64), len(live))
    mc, me, mu = stated(both, which)
    other = stated(both, 1 - which)
    mcode = codes[np.where(which == 1, atl[both], at0[both])]
    # unit_slip.propose: each read in a sibling unit, near its target and then holding
    for k0, unit in enumerate(list(ulist[: len(batch.units)])):
        mine = mcode == k0
        if not mine.any():
            continue
        for j, sibling in enumerate(_siblings(unit)):
            r, i, cf, ef = both[mine], which[mine], mc[mine], me[mine]
            ok, bad = near(r, i, ef + sibling.pow10)
            route[r[bad]] = True
            ps = np.full(len(r), sibling.pow10)
            v = judge(r, (cf, ef, ps), tuple(o[mine] for o in other), i)
            route[r[ok & (v < 0)]] = True
            ok &= v != _OFF
            add(r[ok], i[ok], cf[ok], ef[ok], np.full(int(ok.sum()), code(sibling)), v[ok], j)
    # the odd unit: the annual figure or the last running total read in the others' unit
    at_odd, common = _odd_unit(of, pos, starts, sizes, codes, ulist)
    odd_i = np.where(at_odd == 0, 0, np.where((at_odd == last) & (at_odd > 0), 1, -1))
    r = np.flatnonzero(~route & (odd_i >= 0))
    if len(r):
        i = odd_i[r]
        pc = pow10[common[r]]
        mo = gt[r] - pc
        route[r[mo > 0]] = True
        t = np.where(i == 1, tl[r], t0[r])
        oc, oe = _written(np.where(mo > 0, 0, t), np.minimum(mo, 0))
        ok = (mo <= 0) & (-oe <= 4) & (oc > 0)
        v = judge(r, (oc, oe, pc), stated(r, 1 - i), i)
        route[r[ok & (v < 0)]] = True
        add(r[ok], i[ok], oc[ok], oe[ok], common[r][ok], v[ok], 100, True)
    # decimal_shift.propose: each one's point moved, near its target and then holding
    nz = mc != 0
    for j, k in enumerate(decimal_shift.SHIFTS):
        r, i, cf, ef, uf = both[nz], which[nz], mc[nz], me[nz], mu[nz]
        ok, bad = near(r, i, ef + uf + k)
        route[r[bad]] = True
        ne = ef + k
        whole = ne > 0
        too = ok & whole & (ndigits(cf) + ne > _SAFE)
        route[r[too]] = True
        nc = np.where(whole & ~too, cf * P10[_at(ne)], cf)
        ne = np.where(whole, 0, ne)
        v = judge(r, (nc, ne, uf), tuple(o[nz] for o in other), i)
        route[r[ok & (v < 0)]] = True
        ok &= v != _OFF
        add(r[ok], i[ok], nc[ok], ne[ok], mcode[nz][ok], v[ok], 200 + j)
    # localise.residual: each one's target written exactly (at most its decimals + 4), else the first
    # rounding of it to 1-4 more digits that holds; and the target rounded to its own digits
    t = np.where(which == 1, tl[both], t0[both])
    m = gt[both] - mu  # the target is t × 10**m in the figure's unit (m <= its exponent <= 0)
    skip = (t == 0) & (mc != 0)
    route[both[~skip & (me - m > 18)]] = True
    wc, we = _written(t, m)
    found = ~skip & (-we <= np.maximum(-me, 0) + 4)
    wv = np.where(found, judge(both, (wc, we, mu), other, which), _OFF)
    route[both[found & (wv < 0)]] = True
    loop = ~skip & ~found
    for dd in range(1, 5):
        left = loop & ~found
        if not left.any():
            break
        den = P10[_at(me - dd - m)]
        rc_ = t // den + (2 * (t % den) >= den)
        v = judge(both, (rc_, me - dd, mu), other, which)
        route[both[left & (v < 0)]] = True
        now = left & (v != _OFF) & (v >= 0)
        wc, we, wv = np.where(now, rc_, wc), np.where(now, me - dd, we), np.where(now, v, wv)
        found |= now
    den = P10[_at(me - m)]
    rc = t // den + (2 * (t % den) >= den)
    has_w = found & ~((wc == mc) & (we == me))
    rv = judge(both, (rc, me, mu), other, which)
    has_r = ~skip & (rc != mc) & ~(found & (wc == rc) & (we == me))
    route[both[has_r & (rv < 0)]] = True
    has_r &= rv != _OFF
    add(both[has_w], which[has_w], wc[has_w], we[has_w], mcode[has_w], wv[has_w], 300)
    add(both[has_r], which[has_r], rc[has_r], me[has_r], mcode[has_r], rv[has_r], 400)

    crel, ci, nc, ne, cu, verdict, seq, odd = (np.concatenate([o[j] for o in out]) for j in range(8))
    alive = ~route[crel]
    crel, ci, nc, ne, cu, verdict, seq, odd = (x_[alive] for x_ in (crel, ci, nc, ne, cu, verdict, seq, odd))
    # bulk's pool: one candidate per figure and value, the first written with the fewest digits
    # (then in the figure's own unit)
    sc, tz = stripped(nc)
    ve = np.where(nc == 0, 0, ne + pow10[cu] + tz)
    fig = np.where(ci == 1, atl[crel], at0[crel])
    in_other = cu != codes[fig]  # read in another unit than its own
    order = np.lexsort((seq, in_other, ndigits(nc), ve, sc, ci, crel))
    first = np.ones(len(order), dtype=bool)
    same = (crel[order][1:] == crel[order][:-1]) & (ci[order][1:] == ci[order][:-1])
    same &= (sc[order][1:] == sc[order][:-1]) & (ve[order][1:] == ve[order][:-1])
    first[1:] = ~same
    pick = order[first]
    cands = Cands(fig[pick], nc[pick], ne[pick], cu[pick], verdict[pick], odd[pick])
    at = Figures(batch.figs, starts, of, pos, c, e, u, ulist)
    pc_, pi, pnc, pne, pcu = crel[pick], ci[pick], nc[pick], ne[pick], pow10[cu[pick]]
    cc, ce, cuu = (y.tolist() for y in (nc[pick], ne[pick], cu[pick]))
    figrow = fig[pick].tolist()

    def judged(k: int, rows: Sequence[int]) -> int:
        a = int(starts[k])
        now = [(Written(batch.coef[j], batch.exp[j]), ulist[int(codes[j])]) for j in range(a, a + int(sizes[k]))]
        for row in rows:
            now[figrow[row] - a] = (Written(cc[row], ce[row]), ulist[cuu[row]])
        return _cumulative_verdict(now, tolerance)

    def pairs(a: Array, b: Array) -> Array:
        r = pc_[a]
        one = pi[a] == 1  # a moves the last running total, b the annual figure (they differ)
        first = (np.where(one, pnc[b], pnc[a]), np.where(one, pne[b], pne[a]), np.where(one, pcu[b], pcu[a]))
        second = (np.where(one, pnc[a], pnc[b]), np.where(one, pne[a], pne[b]), np.where(one, pcu[a], pcu[b]))
        got = judge(r, first, second, np.zeros(len(r), dtype=np.int64))
        return np.where(pi[a] == pi[b], -1, got)

    stale = np.zeros(len(pick), dtype=bool)
    return _finish(batch, at, cands, stale, route, judged, shown, pairs)
