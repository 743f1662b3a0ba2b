"""Settled as arrays: the one-relation sums of :mod:`fundaudit.causes.bulk`, a group at a time.

Most failing relations of a large data set are sums that :mod:`fundaudit.causes.bulk` settles
alone from the same few candidates: each figure set to the value that makes the sum hold (its
*target*, written exactly) and that target rounded to the figure's own digits. Here those
candidates, their verdicts, their causes and their ranking keys are computed for every such
sum of a group at once, as numpy ``int64`` arrays; only the diagnosis itself — the culprit,
its rivals and the words — is made one relation at a time, by
:func:`fundaudit.causes.localise._diagnosis` as bulk makes it.

A sum comes here only when every number of its candidates fits ``int64`` exactly (each figure
below 10**15 on the sum's grid, at most :data:`MOST` figures, no positive exponent). Every
other sum, and every sum for which another proposer might offer something (a figure whose
target is within 5 % of it read in a sibling unit or with its point moved, a unit odd among
the others, a table sum where two slips might add up to the difference, a target that needs
more digits than the figure has plus four), goes to bulk's Python integers, one at a time.
No float is used: the screens are integer digit counts and exact integer comparisons.

The causes are :func:`fundaudit.causes.bulk._cause_of`'s for a correction in the figure's own
unit — decimal shift, transposition, coarser rounding, truncation, digit typo, stale total,
unexplained — each an array predicate over the digits of the stated and the corrected value.
``tests/test_causes_bulk.py`` holds this path equal to bulk's Python one and to the localiser.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

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
from fundaudit.causes._base import RESTATED, Candidate, Diagnosis, Edit, sibling_units
from fundaudit.causes.localise import LENIENT, NO_CARRY, RIVALS, _Hyp
from fundaudit.findings import Relation
from fundaudit.model import Figure
from fundaudit.numbers import Written
from fundaudit.tolerance import Policy, Tolerance
from fundaudit.units import Unit

Array = np.ndarray[Any, Any]
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
_BY_CAUSE = {c.id: c for c in REGISTRY}


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
    a = c * P10[ce - e]
    b = n * P10[ne - e]
    la, lb = ndigits(a), ndigits(b)
    short = np.minimum(la, lb)
    diff = np.zeros((len(a), 18), dtype=bool)
    for j in range(18):  # the digits compared from the right
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
    unsure = reads & ((ndigits(n) + k - m > _SAFE) | (ndigits(c) + ce - m > _SAFE))
    reads &= ~unsure
    x = np.where(reads, n * P10[np.clip(k - m, 0, 18)], 0)
    o = np.where(reads, c * P10[np.clip(ce - m, 0, 18)], 0)
    reads &= np.abs(o - x) * 20 <= x
    den = P10[np.clip(p - m, 0, 18)]
    r, rem = x // den, x % den
    back = P10[np.clip(p - ce, 0, 18)]
    up = reads & ((r + (2 * rem >= den)) * back == c)
    cut = reads & ~up & (r * back == c)
    # digit_typo.one_digit_apart: one digit changed, or one dropped or doubled
    longer, shorter = np.where(la > lb, a, b), np.where(la > lb, b, a)
    dropped = np.zeros(len(a), dtype=bool)
    for j in range(17):
        dropped |= (longer // P10[j + 1]) * P10[j] + longer % P10[j] == shorter
    typo = own & (((la == lb) & (changed == 1)) | ((np.abs(la - lb) == 1) & dropped))
    kind = np.select([slip, shift, swap, up, cut, typo, stale], [SLIP, SHIFT, SWAP, COARSE, TRUNC, TYPO, STALE], NONE)
    return kind, changed, unsure


def _odd_unit(units: Sequence[Unit]) -> tuple[int, Unit] | None:
    """The figure bulk's odd-unit proposer reads in the others' unit, and that unit (or ``None``)."""
    odd = [i for i, u in enumerate(units) if units.count(u) == 1]
    common = [u for u in units if units.count(u) > 1]
    if len(odd) == 1 and common and len(units) >= 3 and units[odd[0]] in (*sibling_units(common[0]), common[0]):
        return odd[0], common[0]
    return None


def settle_sums(
    rels: Sequence[Relation], shown: Sequence[str], tolerance: Tolerance
) -> tuple[dict[str, Diagnosis | None], list[int]]:
    """The diagnoses bulk gives one-relation sums (``None``: left to the localiser), and the
    indices of the sums sent to bulk's Python path. ``shown``: each sum's difference in words."""
    n = len(rels)
    if n == 0:
        return {}, []
    coef: list[int] = []
    exp: list[int] = []
    p10: list[int] = []
    count: list[int] = []
    ladder: list[int] = []
    odd_at: list[int] = []  # per sum: the figure in a unit odd among the others (bulk's odd-unit proposer), or -1
    odd_p10: list[int] = []  # and the unit it would be read in
    odd_units: list[Unit | None] = []
    units: dict[Unit, int] = {}
    sent = [False] * n
    for k, relation in enumerate(rels):
        figs = (relation.total, *relation.parts)
        count.append(len(figs))
        mine = [f.unit for f in figs]
        odd = _odd_unit(mine) if len(set(mine)) > 1 else None
        odd_at.append(-1 if odd is None else odd[0])
        odd_p10.append(0 if odd is None else odd[1].pow10)
        odd_units.append(None if odd is None else odd[1])
        sent[k] = relation.rule.startswith("table-")  # two slips together: localise.pairs
        for f in figs:
            coef.append(f.value.coefficient)
            exp.append(f.value.exponent)
            p10.append(f.unit.pow10)
            ladder.append(units.setdefault(f.unit, len(units)))
    sizes = np.array(count, dtype=np.int64)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    of = np.repeat(np.arange(n), sizes)  # each figure's sum
    pos = np.arange(len(of)) - starts[of]  # 0: the total
    route = np.array(sent, dtype=bool) | (sizes > MOST)
    big = [k for k, v in enumerate(coef) if not 0 <= v < 10**_FIT]
    for k in big:
        coef[k] = 0
    route[of[np.array(big, dtype=np.int64)]] = True
    c = np.array(coef, dtype=np.int64)
    e = np.array(exp, dtype=np.int64)
    u = np.array(p10, dtype=np.int64)
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
    le = np.array([r.kind == "sum-le" for r in rels], dtype=bool)

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
    maybe = ((c == 0) | (t == 0)) & keep
    moves = [(k, np.ones(len(c), dtype=bool)) for k in decimal_shift.SHIFTS]
    unit_of = np.array(ladder, dtype=np.int64)
    for unit, code in units.items():
        for other in sibling_units(unit):
            moves.append((other.pow10 - unit.pow10, unit_of == code))
    vlen = ndigits(vals)
    for k, mine_ in moves:
        near = mine_ & keep & (c != 0) & (t > 0) & (np.abs(reach - k) <= 1)
        if not near.any():
            continue
        fits = (vlen + max(k, 0) <= _SAFE) & (tlen + max(-k, 0) <= _SAFE)
        x = np.where(near & fits, vals * P10[max(k, 0)], 0)
        y = np.where(near & fits, t * P10[max(-k, 0)], 0)
        maybe |= near & (~fits | (np.abs(x - y) * 20 <= y))
    route |= np.logical_or.reduceat(maybe, starts)
    keep = ~route[of]

    # odd-unit (o): the figure in a unit odd among the others read in theirs, its target written
    # exactly with at most four decimals (then the sum matches)
    at_odd = np.array(odd_at, dtype=np.int64)
    has_o = np.zeros(len(of), dtype=bool)
    has_o[(starts + at_odd)[at_odd >= 0]] = True
    ou = np.zeros(len(of), dtype=np.int64)
    ou[starts[at_odd >= 0] + at_odd[at_odd >= 0]] = np.array(odd_p10, dtype=np.int64)[at_odd >= 0]
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
    h_here = np.where(half, 5 * P10[np.clip(shift, 0, 18)], 0)
    for dd in range(1, 5):  # shift > 4 >= dd where the loop runs: the rounding is on the grid
        left = loop & ~found
        if not left.any():
            break
        den = P10[np.clip(shift - dd, 0, 18)]
        rc_ = tt // den + (2 * (tt % den) >= den)
        moved = rc_ * P10[np.clip(shift - dd + 1, 0, 18)] - c * P10[np.clip(shift + 1, 0, 18)]
        tol = tol0[of] - h_here + (0 if exact else 5 * P10[np.clip(shift - dd, 0, 18)])
        v = verdicts(diff0[of] + np.where(pos == 0, moved, -moved), tol)
        now = left & (v != _OFF)
        wc = np.where(now, rc_, wc)
        we = np.where(now, e - dd, we)
        wv = np.where(now, v, wv)
        found |= now
    written_w = found.copy()  # in localise.residual's list (the figure's own value too)
    has_w = found & ~((wc == c) & (we == e))
    den = P10[np.clip(e - m, 0, 18)]
    rc = tt // den + (2 * (tt % den) >= den)
    has_r = ~skip & (rc != c) & ~(written_w & (wc == rc) & (we == e))
    moved = (rc - c) * P10[np.clip(shift + 1, 0, 18)]
    rv = verdicts(diff0[of] + np.where(pos == 0, moved, -moved), tol0[of])
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
    sets = ((has_o, oc, oe, ou - u, 0), (has_w, wc, we, 0, wv), (has_r, rc, e, 0, rv))
    fig = np.concatenate([np.flatnonzero(h) for h, *_ in sets])
    nc = np.concatenate([x[h] for h, x, *_ in sets])
    ne = np.concatenate([y[h] for h, _x, y, *_ in sets])
    du = np.concatenate([np.broadcast_to(z, len(of))[h] for h, _x, _y, z, _v in sets])
    verdict = np.concatenate([np.broadcast_to(v, len(of))[h] for h, _x, _y, _z, v in sets])
    crel = of[fig]
    restated = np.array([r.rule in RESTATED for r in rels], dtype=bool)[crel]
    stale = (pos[fig] == 0) & (sizes[crel] > 2)
    kind, changed, unsure = classify(c[fig], e[fig], nc, ne, du, restated, stale)
    unsure_rel = np.zeros(n, dtype=bool)
    unsure_rel[crel[unsure]] = True
    route |= unsure_rel
    key = ((_RANK[kind] * 2 + (pos[fig] > 0)) * 64 + significant(nc)) * 64 + changed
    hyp = (verdict == _MATCH) | (verdict == _ROUNDING)
    order = np.lexsort((key, ~hyp, crel))
    bounds = np.searchsorted(crel[order], np.arange(n + 1)).tolist()
    carried = np.zeros(n, dtype=bool)
    np.logical_or.at(carried, crel, _CARRIED[kind])
    hyps = np.zeros(n, dtype=np.int64)
    np.add.at(hyps, crel, hyp)

    done: dict[str, Diagnosis | None] = {}
    cands = list(
        zip(
            fig[order].tolist(),
            nc[order].tolist(),
            ne[order].tolist(),
            (du[order] + u[fig[order]]).tolist(),
            kind[order].tolist(),
            key[order].tolist(),
            strict=True,
        )
    )
    sums = (g.tolist(), diff0.tolist(), tol0.tolist(), starts.tolist())
    for k, (relation, found_, carry, sent_) in enumerate(
        zip(rels, hyps.tolist(), carried.tolist(), route.tolist(), strict=True)
    ):
        if sent_:
            continue
        if not found_:
            done[relation.id] = None if carry else localise._unexplained(relation)
            continue
        top = cands[bounds[k] : bounds[k] + found_]
        figs = (relation.total, *relation.parts)
        start = sums[3][k]
        if len({h[5] for h in top}) < len(top):  # a tie: bulk's last key, the candidate's text
            top.sort(key=lambda h: (h[5], _key_text(figs[h[0] - start].ref, h[1], h[2], h[3])))
        best = _diagnosed(relation, figs, odd_units[k], top[: 1 + RIVALS], sums, k, bool(le[k]), shown[k], tolerance)
        done[relation.id] = best
    return done, np.flatnonzero(route).tolist()


def _written(t: Array, m: Array) -> tuple[Array, Array]:
    """bulk._written of each non-negative ``t × 10**m`` (``m <= 0``) as (coefficient, exponent):
    the trailing zeros moved into the exponent, up to 10**0 (the decimals' limit is the caller's)."""
    _s, tz = stripped(t)
    z = np.where(t == 0, -m, np.minimum(tz, -m))
    return t // P10[np.clip(z, 0, 18)], m + z


def _same(ac: Array, ae: Array, bc: Array, be: Array) -> Array:
    """Whether ``ac × 10**ae`` and ``bc × 10**be`` are the same number (both below 10**17 on the grid)."""
    low = np.minimum(ae, be)
    return np.asarray(ac * P10[np.clip(ae - low, 0, 18)] == bc * P10[np.clip(be - low, 0, 18)])


def _key_text(ref: str, c: int, e: int, pow10: int) -> str:
    """bulk._key_text of a correction to ``c × 10**e`` in a unit of 10**pow10."""
    from fundaudit.causes.bulk import _key_text as text

    return text(ref, Written(c, e), Unit("", "", pow10))


def _diagnosed(
    rel: Relation,
    figs: Sequence[Figure],
    odd: Unit | None,
    top: list[tuple[int, int, int, int, int, int]],
    sums: tuple[list[int], list[int], list[int], list[int]],
    k: int,
    le: bool,
    shown: str,
    tolerance: Tolerance,
) -> Diagnosis:
    """bulk._ranked's diagnosis of one sum from its best candidates, best first: (figure row,
    coefficient, exponent, unit's power of ten, kind, key); ``odd``: the unit of an odd-unit one."""
    start = sums[3][k]
    made = []
    for row, nc, ne, pow10, kind, _key in top:
        f = figs[row - start]
        if pow10 == f.unit.pow10:
            cand = Candidate("", rel.id, (Edit(f, Written(nc, ne), f.unit),), "")
        else:
            assert odd is not None
            cand = Candidate(unit_slip.ID, rel.id, (Edit(f, Written(nc, ne), odd),), "odd-unit")
        made.append(_Hyp(cand, KINDS[kind], (rel.id,)))
    best, rivals = made[0], made[1:]
    b = best.cand.edits[0]
    for h, (row, nc, ne, pow10, _kind, _key) in zip(rivals, top[1:], strict=True):
        e = h.cand.edits[0]
        if e.figure is b.figure:
            continue
        if best.cause in LENIENT or h.cause in LENIENT:
            h.explains = ()
            continue
        moves = ((top[0][0] - start, top[0][1], top[0][2], top[0][3]), (row - start, nc, ne, pow10))
        if _judged(figs, moves, sums[0][k], sums[1][k], sums[2][k], le, tolerance) != _OFF:
            h.explains = ()
    return localise._diagnosis(rel, best, rivals, {}, b.figure.ref, _BY_CAUSE, shown)


def _judged(
    figs: Sequence[Figure],
    moves: Sequence[tuple[int, int, int, int]],
    g: int,
    diff0: int,
    tol0: int,
    le: bool,
    tol: Tolerance,
) -> int:
    """bulk's verdict of a sum with figures moved (index, coefficient, exponent, unit's power of
    ten), every value on the sum's grid 10**g or coarser."""
    d, t = diff0, tol0
    for i, nc, ne, p in moves:
        f = figs[i]
        q = f.unit.pow10
        moved = nc * 10 ** (ne + p - g + 1) - f.value.coefficient * 10 ** (f.value.exponent + q - g + 1)
        d += moved if i == 0 else -moved
        if tol.half_exponent(f.value.exponent, q) is not None:
            t -= 5 * 10 ** (f.value.exponent + q - g)
        if tol.half_exponent(ne, p) is not None:
            t += 5 * 10 ** (ne + p - g)
    if le:
        return _MATCH if d == 0 else _WITHIN if d > 0 else _ROUNDING if -d <= t else _OFF
    return _MATCH if d == 0 else _ROUNDING if abs(d) <= t else _OFF
