"""Clusters settled as arrays: the sums :func:`fundaudit.causes.bulk._cluster` settles, many clusters at once.

A cluster is a few failing sums joined by the figures they share (a row total and the column
it closes, a figure read in the wrong unit that two sums hold). :func:`fundaudit.causes.bulk._cluster`
plays the localiser's first round over each: every relation's own candidates (the figure read in
a sibling unit or with its point moved, the odd unit read in the others', the figure set to
its target written exactly or rounded), merged by figure and value, judged in every relation
of the figure, classified, ranked, accepted best first. Here the candidates, their verdicts in
their own relation, their values as bulk's pool keys them, their causes and their ranking keys
are computed for every relation of every cluster at once as numpy ``int64`` arrays (the
candidates' formulas are :func:`fundaudit.causes.bulk_arrays.settle_sums`'s); in Python, per
cluster, only what is left: a shared figure's candidates judged in the other relations, the
pool, the acceptance, the rivals and the words (:func:`fundaudit.causes.localise._diagnosis`).

A cluster comes here only when every number fits ``int64`` (as the arrays take a sum: a figure
below 10**15 on its relation's grid, at most :data:`~fundaudit.causes.bulk_arrays.MOST` figures,
no positive exponent) and all of its relations are sums; a figure read in another unit or with
its point moved is judged in exact Python integers (few: the 5 % screen is an exact integer
comparison). Every other cluster is sent back to :func:`fundaudit.causes.bulk._cluster`. No
float is used. ``tests/test_causes_clusters.py`` holds this path equal to ``_cluster``, word for
word (hypothesis: shared figures, mixed units and decimals, every tolerance policy).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fundaudit import i18n
from fundaudit.causes import REGISTRY, bulk, decimal_shift, unit_slip
from fundaudit.causes._base import RESTATED, WARNING, Applicability, Culprit, Diagnosis, shifted
from fundaudit.causes.bulk_arrays import (
    _MATCH,
    _OFF,
    _ROUNDING,
    _SAFE,
    _WITHIN,
    KINDS,
    P10,
    _at,
    _gather,
    _judged,
    _written,
    classify,
    ndigits,
    significant,
    stripped,
    sum_grid,
)
from fundaudit.causes.bulk_pairs import paired
from fundaudit.causes.localise import ALONE_POSSIBLE, LENIENT, RIVALS
from fundaudit.causes.unexplained import NO_PATTERN
from fundaudit.findings import Relation
from fundaudit.model import Figure
from fundaudit.numbers import Written
from fundaudit.tolerance import Tolerance
from fundaudit.units import Unit

Array = np.ndarray[Any, Any]
_RANK = {k: bulk._ORDER[k] for k in KINDS}
_GOOD = (_MATCH, _ROUNDING)


def settle_clusters(
    clusters: Sequence[Sequence[Relation]], diffs: Sequence[Sequence[tuple[int, int] | None]], tolerance: Tolerance
) -> tuple[dict[str, Diagnosis], list[int]]:
    """bulk._cluster of each cluster: the diagnoses of the clusters it settles, and the indices of
    the clusters sent back to it (any other cluster bulk._cluster leaves to the localiser)."""
    rels = [rel for cluster in clusters for rel in cluster]
    n = len(rels)
    if n == 0:
        return {}, []
    cl_of = np.repeat(np.arange(len(clusters)), [len(c) for c in clusters])
    batch = _gather(rels)
    flat, coef, exp, count, unit_of, ulist = (
        batch.figs,
        batch.coef,
        batch.exp,
        batch.count,
        batch.codes,
        batch.units,
    )
    (
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
    ) = sum_grid(batch, [rel.kind not in ("sum", "sum-le") for rel in rels], tolerance)
    coef = [0 if out else v for v, out in zip(coef, big.tolist(), strict=True)]  # as the grid takes them

    def verdicts(d: Array, tol: Array, lesser: Array) -> Array:
        """bulk's verdict codes of sums with difference ``d`` and allowance ``tol``."""
        plain = np.where(d == 0, _MATCH, np.where(np.abs(d) <= tol, _ROUNDING, _OFF))
        less = np.where(d == 0, _MATCH, np.where(d > 0, _WITHIN, np.where(-d <= tol, _ROUNDING, _OFF)))
        return np.where(lesser, less, plain)

    route |= verdicts(diff0, tol0, le) != _OFF  # held before any correction: not a failing sum of bulk's

    gl, d0l, t0l, lel = g.tolist(), diff0.tolist(), tol0.tolist(), le.tolist()
    cl, el = coef, list(exp)

    def judged(r: int, moves: dict[int, tuple[Written, Unit]]) -> int:
        """bulk's verdict of relation ``r`` with its figures at ``moves`` (positions) moved."""
        s = int(starts[r])
        figs = {i: (Written(cl[s + i], el[s + i]), ulist[int(unit_of[s + i])]) for i in moves}
        return _judged(figs, [(i, w, unit) for i, (w, unit) in moves.items()], gl[r], d0l[r], t0l[r], lel[r], tolerance)

    # the candidates of each relation alone, in bulk._proposed_sum's order: a figure read in a
    # sibling unit (unit_slip), the odd unit read in the others' (o), its point moved (decimal_shift),
    # then the residual (w) and the target rounded to the figure's own digits (r)
    extra: list[
        tuple[int, int, int, Unit, str, int, int]
    ] = []  # row, coefficient, exponent, unit, cause, verdict, rank
    length = ndigits(c)
    tlen = ndigits(np.abs(t))
    reach = tlen + g[of] - length - big_e
    route[of[(c == 0) & (t == 0) & keep]] = True  # 0 read in another unit: bulk's path
    moves: list[tuple[int, Array, Unit | None, int]] = []
    for code, unit in enumerate(ulist):
        for j, other in enumerate(bulk._siblings(unit)):
            moves.append((other.pow10 - unit.pow10, unit_of == code, other, j))
    for j, k in enumerate(decimal_shift.SHIFTS):
        moves.append((k, np.ones(len(of), dtype=bool), None, j))
    vlen = ndigits(vals)
    for k, mine_, into, rank in moves:
        near = mine_ & keep & (c != 0) & (t > 0) & (np.abs(reach - k) <= 1)
        if not near.any():
            continue
        if abs(k) > _SAFE:  # units further apart than int64 reaches: bulk's path
            route[of[near]] = True
            continue
        fits = (vlen + max(k, 0) <= _SAFE) & (tlen + max(-k, 0) <= _SAFE)
        xs = np.where(near & fits, vals * P10[max(k, 0)], 0)
        ys = np.where(near & fits, t * P10[max(-k, 0)], 0)
        route[of[near & ~fits]] = True
        for row in np.flatnonzero(near & fits & (np.abs(xs - ys) * 20 <= ys)).tolist():
            r = int(of[row])
            i = int(pos[row])
            was = Written(coef[row], exp[row])
            w, unit = (shifted(was, k), ulist[int(unit_of[row])]) if into is None else (was, into)
            v = judged(r, {i: (w, unit)})
            if v != _OFF:
                cause = decimal_shift.ID if into is None else unit_slip.ID
                extra.append((row, w.coefficient, w.exponent, unit, cause, v, rank))
    keep = ~route[of]

    # odd-unit (o): the figure in a unit odd among the others read in theirs, its target written
    # exactly with at most four decimals (then the sum matches)
    has_o = np.zeros(len(of), dtype=bool)
    has_o[(starts + at_odd)[at_odd >= 0]] = True
    ou_code = np.zeros(len(of), dtype=np.int64)
    ou_code[(starts + at_odd)[at_odd >= 0]] = odd_code[at_odd >= 0]
    ou = pow10[ou_code]
    has_o &= keep & (t > 0)
    mo = g[of] - ou
    route[of[has_o & (mo > 0)]] = True
    keep = ~route[of]
    has_o &= keep
    oc, oe = _written(np.where(has_o, t, 0), np.where(has_o, mo, 0))
    has_o &= -oe <= 4

    # the residual (w): the target written exactly with at most the figure's decimals plus four,
    # else the first rounding of it to 1-4 more digits that holds; and the target rounded to the
    # figure's own digits (r), when that holds
    m = g[of] - u
    skip = ~keep | (t < 0) | ((t == 0) & (c != 0))
    tt = np.where(skip, 0, t)
    wc, we = _written(tt, m)
    wv = np.zeros(len(of), dtype=np.int64)
    most = np.maximum(-e, 0) + 4
    loop = ~skip & (-we > most)
    found = ~skip & ~loop
    h_here = np.where(half, 5 * P10[_at(shift)], 0)
    for dd in range(1, 5):
        left = loop & ~found
        if not left.any():
            break
        den = P10[_at(shift - dd)]
        rd = tt // den + (2 * (tt % den) >= den)
        moved: Array = rd * P10[_at(shift - dd + 1)] - c * P10[_at(shift + 1)]
        tol = tol0[of] - h_here + (0 if exact else 5 * P10[_at(shift - dd)])
        vd = verdicts(diff0[of] + np.where(pos == 0, moved, -moved), tol, le[of])
        now = left & (vd != _OFF)
        wc = np.where(now, rd, wc)
        we = np.where(now, e - dd, we)
        wv = np.where(now, vd, wv)
        found |= now
    written_w = found.copy()
    has_w = found & ~((wc == c) & (we == e))
    den = P10[_at(e - m)]
    rc = tt // den + (2 * (tt % den) >= den)
    has_r = ~skip & (rc != c) & ~(written_w & (wc == rc) & (we == e))
    moved = (rc - c) * P10[_at(shift + 1)]
    rv = verdicts(diff0[of] + np.where(pos == 0, moved, -moved), tol0[of], le[of])
    has_r &= rv != _OFF

    # a relation none of whose first proposers offers anything: two slips together may (a table sum)
    pre = np.zeros(n, dtype=bool)
    pre[of[has_o]] = True
    pre[[int(of[x[0]]) for x in extra]] = True
    dead = np.zeros(len(clusters), dtype=bool)  # bulk._cluster leaves the whole cluster to the localiser
    asked = [r for r in np.flatnonzero(~pre & ~route).tolist() if rels[r].rule.startswith("table-")]
    flat_diffs = [d for ds in diffs for d in ds]
    for r, two in zip(asked, paired([rels[r] for r in asked], [flat_diffs[r] for r in asked]), strict=True):
        if two:
            dead[cl_of[r]] = True

    # every candidate as one row: its figure's row, value, unit, proposing cause, detail, verdict
    rows = [
        np.array([x[0] for x in extra], dtype=np.int64),
        np.flatnonzero(has_o),
        np.flatnonzero(has_w),
        np.flatnonzero(has_r),
    ]
    fig = np.concatenate(rows)
    nc = np.concatenate([np.array([x[1] for x in extra], dtype=np.int64), oc[rows[1]], wc[rows[2]], rc[rows[3]]])
    ne = np.concatenate([np.array([x[2] for x in extra], dtype=np.int64), oe[rows[1]], we[rows[2]], e[rows[3]]])
    cunits = (
        [x[3] for x in extra]
        + [ulist[k] for k in ou_code[rows[1]].tolist()]
        + [ulist[k] for k in unit_of[rows[2]].tolist()]
    )
    cunits += [ulist[k] for k in unit_of[rows[3]].tolist()]
    cpow = np.array([unit.pow10 for unit in cunits], dtype=np.int64)
    verdict = np.concatenate(
        [
            np.array([x[5] for x in extra], dtype=np.int64),
            np.zeros(len(rows[1]), dtype=np.int64),
            wv[rows[2]],
            rv[rows[3]],
        ]
    )
    # bulk._proposed_sum's order within a relation: the unit slips, the odd unit, the shifts, the
    # residual (w before r), each by figure and then as its proposer tries them
    kind_of = np.concatenate(
        [
            np.array([0 if x[4] == unit_slip.ID else 2 for x in extra], dtype=np.int64),
            np.ones(len(rows[1]), dtype=np.int64),
            np.full(len(rows[2]) + len(rows[3]), 3, dtype=np.int64),
        ]
    )
    sub = np.concatenate(
        [
            np.array([x[6] for x in extra], dtype=np.int64),
            np.zeros(len(rows[1]) + len(rows[2]), dtype=np.int64),
            np.ones(len(rows[3]), dtype=np.int64),
        ]
    )
    crel = of[fig]
    okc = ~route[crel] & ~dead[cl_of[crel]]
    order = np.lexsort((sub, pos[fig], kind_of, crel))
    order = order[okc[order]]
    # bulk's pool key: the figure's ref and the value in the base unit without trailing zeros
    sn, tz = stripped(nc)
    vexp = np.where(nc == 0, 0, ne + cpow + tz)
    vco = np.where(nc == 0, 0, sn)
    digits = ndigits(nc)
    du = cpow - u[fig]
    sig = significant(nc)
    restated_rel = np.array([rel.rule in RESTATED for rel in rels], dtype=bool)

    ids = [rel.id for rel in rels]
    refs = [f.ref for f in flat]
    ref_ids: dict[str, int] = {}
    ref_of = np.array([ref_ids.setdefault(ref, len(ref_ids)) for ref in refs], dtype=np.int64)
    # how many relations of its cluster hold each figure (one: its candidates are judged in its own only)
    place = cl_of[of] * len(ref_ids) + ref_of
    _u, inverse, counts = np.unique(place, return_inverse=True, return_counts=True)
    held_by = counts[inverse.reshape(-1)]
    cll = cl_of.tolist()
    uses: dict[tuple[int, str], list[tuple[int, int]]] = {}  # (cluster, ref) -> (relation, position), if shared
    for row in np.flatnonzero(held_by > 1).tolist():
        r = int(of[row])
        uses.setdefault((cll[r], refs[row]), []).append((r, int(pos[row])))

    # bulk's pool: one candidate per cluster, figure and value, the first of the fewest digits
    # written (then in the figure's own unit) in bulk's order
    own = np.concatenate(
        [
            np.array([x[3] == flat[x[0]].unit for x in extra], dtype=bool),
            ou_code[rows[1]] == unit_of[rows[1]],
            np.ones(len(rows[2]) + len(rows[3]), dtype=bool),
        ]
    )
    keep_c = np.zeros(len(fig), dtype=bool)
    keep_c[order] = True
    rank_in = np.zeros(len(fig), dtype=np.int64)
    rank_in[order] = np.arange(len(order))
    cand = np.flatnonzero(keep_c)
    ckey = cl_of[crel[cand]] * len(ref_ids) + ref_of[fig[cand]]
    by = np.lexsort((rank_in[cand], ~own[cand], digits[cand], vexp[cand], vco[cand], ckey))
    srt = cand[by]
    same = np.zeros(len(srt), dtype=bool)
    if len(srt) > 1:
        k1, k2 = ckey[by], (vco[srt], vexp[srt])
        same[1:] = (k1[1:] == k1[:-1]) & (k2[0][1:] == k2[0][:-1]) & (k2[1][1:] == k2[1][:-1])
    pooled = srt[~same]

    # each pooled candidate's explains: its own relation, where its figure is in no other; else
    # judged in every relation of the cluster that holds the figure
    figl, crl = fig.tolist(), crel.tolist()
    ncl, nel, vl = nc.tolist(), ne.tolist(), verdict.tolist()
    alone = held_by[fig[pooled]] == 1
    good = (verdict[pooled] == _MATCH) | (verdict[pooled] == _ROUNDING)
    mine = pooled[alone & good]
    explains: dict[int, tuple[int, ...]] = dict(zip(mine.tolist(), ((r,) for r in crel[mine].tolist()), strict=True))
    for x in pooled[~alone].tolist():
        row = figl[x]
        r = crl[x]
        w, unit = Written(ncl[x], nel[x]), cunits[x]
        got = [o for o, i in uses[cll[r], refs[row]] if (vl[x] if o == r else judged(o, {i: (w, unit)})) in _GOOD]
        if got:
            explains[x] = tuple(sorted(got, key=lambda o: ids[o]))
    hx = np.array(sorted(explains), dtype=np.int64)
    if not len(hx):
        return {}, np.flatnonzero(np.logical_or.reduceat(route, _cluster_starts(clusters))).tolist()
    hl = hx.tolist()
    nexp = np.array([len(explains[x]) for x in hl], dtype=np.int64)
    # restated: a relation restating one quantity among those it explains; stale: the total of an
    # explained sum of several parts; totalof: the total of an explained relation
    totalof = pos[fig[hx]] == 0
    restated = restated_rel[crel[hx]]
    stale = totalof & (sizes[crel[hx]] > 2)
    for j in np.flatnonzero(held_by[fig[hx]] > 1).tolist():
        x = hl[j]
        ref = refs[figl[x]]
        restated[j] = any(restated_rel[o] for o in explains[x])
        totalof[j] = stale[j] = False
        for o in explains[x]:
            if refs[int(starts[o])] == ref:
                totalof[j] = True
                if count[o] > 2:
                    stale[j] = True
    kind, changed, unsure = classify(c[fig[hx]], e[fig[hx]], nc[hx], ne[hx], du[hx], restated, stale)
    route[crel[hx][unsure]] = True
    crank = np.array([_RANK[k] for k in KINDS], dtype=np.int64)[kind]
    cl_h = cl_of[crel[hx]]
    # bulk's last key, the candidate's text, starts with its figure's ref's repr (no other ref's is a
    # prefix of it): ordered by that first; where two of one figure tie on every other key, by the text
    names = sorted(ref_ids, key=repr)
    by_name = np.zeros(len(ref_ids), dtype=np.int64)
    by_name[np.array([ref_ids[r] for r in names], dtype=np.int64)] = np.arange(len(names))
    name = by_name[ref_of[fig[hx]]]
    sort = np.lexsort((name, changed, sig[hx], ~totalof, crank, -nexp, cl_h))
    keys = np.stack([cl_h, -nexp, crank, ~totalof, sig[hx], changed, name])[:, sort]
    tied = np.zeros(len(clusters), dtype=bool)
    if len(sort) > 1:
        tied[cl_h[sort][1:][(keys[:, 1:] == keys[:, :-1]).all(axis=0)]] = True
    kl = kind.tolist()
    ints = list(
        zip((-nexp).tolist(), crank.tolist(), (~totalof).tolist(), sig[hx].tolist(), changed.tolist(), strict=True)
    )
    cands = _Cands(
        flat,
        figl,
        crl,
        ncl,
        nel,
        cunits,
        kind_of.tolist(),
        {hl[j]: (KINDS[kl[j]], ints[j]) for j in range(len(hl))},
        explains,
        uses,
        judged,
    )
    return _finish(clusters, diffs, cl_of, route, dead, tied, [hl[j] for j in sort.tolist()], cands)


class _Cands:
    """The candidates of every cluster, by index: the row of each one's figure in ``flat``, its
    relation, value (coefficient, exponent, unit), proposer (``kind_of``: 0 a unit slip, 1 the odd
    unit, 2 a shift, 3 the residual); of those with a first-round explains, their cause and
    integer ranking keys (``classes``) and the relations they explain (``explains``); where a figure
    is held by several relations of its cluster (``uses``); a relation's verdict with figures
    moved (``judged``)."""

    def __init__(
        self,
        flat: Sequence[Figure],
        figl: list[int],
        crl: list[int],
        ncl: list[int],
        nel: list[int],
        cunits: list[Unit],
        kind_of: list[int],
        classes: dict[int, tuple[str, tuple[int, ...]]],
        explains: dict[int, tuple[int, ...]],
        uses: dict[tuple[int, str], list[tuple[int, int]]],
        judged: Callable[[int, dict[int, tuple[Written, Unit]]], int],
    ) -> None:
        self.flat, self.figl, self.crl, self.ncl, self.nel, self.cunits = flat, figl, crl, ncl, nel, cunits
        self.kind_of, self.classes, self.explains, self.uses, self.judged = kind_of, classes, explains, uses, judged

    def figure(self, x: int) -> Figure:
        return self.flat[self.figl[x]]

    def value(self, x: int) -> tuple[Written, Unit]:
        return Written(self.ncl[x], self.nel[x]), self.cunits[x]


def _cluster_starts(clusters: Sequence[Sequence[Relation]]) -> Array:
    lens = np.array([len(c) for c in clusters], dtype=np.int64)
    out = np.zeros(len(clusters), dtype=np.int64)
    np.cumsum(lens[:-1], out=out[1:])
    return out


def _finish(
    clusters: Sequence[Sequence[Relation]],
    diffs: Sequence[Sequence[tuple[int, int] | None]],
    cl_of: Array,
    route: Array,
    dead: Array,
    tied: Array,
    ranked: list[int],
    cands: _Cands,
) -> tuple[dict[str, Diagnosis], list[int]]:
    """Per cluster: the hypotheses ranked (the candidate's text the last key), accepted as the
    localiser accepts them, and the words; and the clusters sent back."""
    first = _cluster_starts(clusters).tolist()
    sent = np.logical_or.reduceat(route, _cluster_starts(clusters)).tolist()
    cll = cl_of.tolist()
    by_cluster: dict[int, list[int]] = {}
    for x in ranked:
        by_cluster.setdefault(cll[cands.crl[x]], []).append(x)
    done: dict[str, Diagnosis] = {}
    words = _Words(cands)
    for k, cluster in enumerate(clusters):
        if sent[k] or dead[k]:
            continue
        hs = by_cluster.get(k, [])
        got = _accept(k, cluster, diffs[k], first[k], _tie_broken(hs, cands) if tied[k] else hs, cands, words)
        if got is not None:
            done.update(got)
    return done, [k for k in range(len(clusters)) if sent[k]]


def _tie_broken(hs: list[int], cands: _Cands) -> list[int]:
    """``hs`` (ordered by their integer keys) with bulk's last key, the candidate's text, where two share them."""

    classes = cands.classes

    def text(x: int) -> str:
        return bulk._key_text(cands.figure(x).ref, *cands.value(x))

    def ordered(run: list[int]) -> list[int]:
        """``run`` by the text: by its figure's ref first (the text starts with its repr, which no
        other ref's is a prefix of), the whole text where two are of one figure."""
        if len(run) == 1:
            return run
        refs = [repr(cands.figure(x).ref) for x in run]
        if len(set(refs)) < len(refs):
            return sorted(run, key=text)
        return [x for _r, x in sorted(zip(refs, run, strict=True))]

    out: list[int] = []
    run: list[int] = []
    for x in hs:  # runs of equal integer keys, each ordered by the text
        if run and classes[x][1] != classes[run[0]][1]:
            out += ordered(run)
            run = []
        run.append(x)
    return out + ordered(run)


def _accept(
    k: int,
    rels: Sequence[Relation],
    ds: Sequence[tuple[int, int] | None],
    base: int,
    hs: list[int],
    cands: _Cands,
    words: _Words,
) -> dict[str, Diagnosis] | None:
    """bulk._cluster's acceptance and words over the ranked hypotheses ``hs`` of cluster ``k``."""
    classes, explains0, uses, judged = cands.classes, cands.explains, cands.uses, cands.judged
    ids = [rel.id for rel in rels]
    changed: dict[int, tuple[int, ...]] = {}  # what an accepted (or passed) hypothesis explains now

    def explains(x: int) -> tuple[int, ...]:
        """The relations (by index, in their ids' order) ``x`` explains."""
        got = changed.get(x)
        return explains0[x] if got is None else got

    explaining: dict[int, list[int]] = {}
    for x in hs:
        for o in explains0[x]:
            explaining.setdefault(o, []).append(x)
    subs: dict[str, tuple[Written, Unit]] = {}
    kept: set[str] = set()
    held: dict[int, bool] = {}
    assigned: dict[int, tuple[int, list[int]]] = {}  # by relation index
    fixed_by: dict[str, int] = {}
    accepted: list[int] = []

    def verdict(o: int, world: dict[str, tuple[Written, Unit]]) -> int:
        mine = {}
        for i, f in enumerate((rels[o - base].total, *rels[o - base].parts)):
            if f.ref in world:
                mine[i] = world[f.ref]
        return judged(o, mine) if mine else _OFF  # no move: the failing relation as it stands

    watched: set[int] | None = None  # once every relation is assigned: the rivals, whose explains may yet change
    for x in hs:
        if watched is None and len(assigned) == len(rels):
            # of the rivals, those whose explains a diagnosis reads (a contender: another cause than
            # unexplained, explaining as many as the accepted one; a later pass may leave it none)
            watched = {
                g
                for h, rivals in assigned.values()
                for g in rivals
                if classes[g][0] != "unexplained" and len(explains(g)) >= len(explains(h))
            }
        if watched is not None and x not in watched:
            continue  # accepted it cannot be (nothing is left to explain), and no diagnosis names it
        ref = cands.figure(x).ref
        if ref in subs or ref in kept:
            continue
        value = cands.value(x)
        world = {**subs, ref: value}
        lenient = classes[x][0] in LENIENT
        now: list[int] = []
        for o in [o for o, _i in uses[k, ref]] if (k, ref) in uses else [cands.crl[x]]:
            before = held.get(o)
            if before is None:
                before = held[o] = bool(subs) and verdict(o, subs) != _OFF  # none moved: it fails
            if subs:
                after = verdict(o, world)
                if before and after == _OFF and not lenient:
                    break
                good = after in _GOOD
            else:  # the first round's verdict, as explains0 has it
                good = o in explains0[x]
            if good and not before and o not in assigned:
                now.append(o)
        else:
            changed[x] = tuple(sorted(now, key=lambda o: ids[o - base]))
            if not now:
                continue
            for o in changed[x]:
                rivals = [g for g in explaining.get(o, ()) if g != x and o in explains(g)][:RIVALS]
                assigned[o] = (x, rivals)
            accepted.append(x)
            if lenient:
                kept.add(ref)
                continue
            subs[ref] = value
            fixed_by[ref] = x
            held.clear()
    for j, rel in enumerate(rels):  # localise._held_after
        if base + j in assigned:
            continue
        mine = [fixed_by[f.ref] for f in (rel.total, *rel.parts) if f.ref in fixed_by]
        if mine and verdict(base + j, subs) in _GOOD:
            assigned[base + j] = (mine[0], [])
    if len(assigned) != len(rels):
        return None
    # localise._roots over the accepted hypotheses (by index), and localise._diagnosis of each relation
    parent = list(range(len(accepted)))
    group = {x: j for j, x in enumerate(accepted)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for j, rel in enumerate(rels):
        h = assigned[base + j][0]
        for f in (rel.total, *rel.parts):
            other = fixed_by.get(f.ref)
            if other is not None and other != h:
                a, b = find(group[h]), find(group[other])
                parent[max(a, b)] = min(a, b)
    out = {}
    for j, (rel, d) in enumerate(zip(rels, ds, strict=True)):
        h, others = assigned[base + j]
        root = cands.figure(accepted[find(group[h])]).ref
        ex = {x: tuple(ids[o - base] for o in explains(x)) for x in (h, *others)}
        out[rel.id] = words(rel, h, others, fixed_by, root, bulk._shown(d, rel.total.unit), ex)
    return out


class _Words:
    """:func:`fundaudit.causes.localise._diagnosis` of a relation of a cluster, its hypotheses each
    one figure's correction (candidates by index), from pieces looked up once in the current language."""

    def __init__(self, cands: _Cands) -> None:
        self.cands = cands
        self.line = i18n._("{label} (line {line})")
        self.pattern = i18n._(NO_PATTERN)
        self.templates = {cause.id: i18n._(cause.template) for cause in REGISTRY}
        self.after = i18n._("; after correcting ")
        self.comma = i18n._(", ")
        self.to = i18n._("{figure} to {value}")
        self.resolves = i18n._("; one correction resolves {n} findings")
        self.as_likely = i18n._("; as likely: ")

    def figure(self, x: int) -> Figure:
        return self.cands.figure(x)

    def likely(self, x: int) -> str:
        """The candidate's value as an edit's ``new_text``."""
        w, unit = self.cands.value(x)
        return f"{w.text()} {unit.text}"

    def label(self, fig: Figure) -> str:
        return self.line.format(label=f"{fig.label} {fig.text}", line=fig.source.line)

    def __call__(
        self,
        rel: Relation,
        h: int,
        rivals: Sequence[int],
        fixed_by: dict[str, int],
        root: str,
        shown: str,
        explains: dict[int, tuple[str, ...]],
    ) -> Diagnosis:
        """The diagnosis of ``rel``: ``h`` the hypothesis assigned to it, ``rivals`` those listed after
        it, ``fixed_by`` the hypothesis accepted for each figure corrected, ``explains`` what each
        explains once the round is over."""
        classes = self.cands.classes
        mine = self.figure(h)
        figures = [Culprit(mine, self.likely(h))]
        earlier = [f for f in (rel.total, *rel.parts) if f.ref in fixed_by and fixed_by[f.ref] != h]
        for f in earlier:  # the culprits corrected earlier follow
            figures.append(Culprit(f, self.likely(fixed_by[f.ref])))
        for g in rivals:
            other = self.figure(g)
            if all(c.figure.ref != other.ref for c in figures):
                figures.append(Culprit(other, self.likely(g)))
        cause = classes[h][0]
        first = figures[0]
        detail = "odd-unit" if self.cands.kind_of[h] == 1 else ""
        if cause == "unexplained":
            detail = self.pattern.format(culprit=self.label(first.figure), likely=first.likely)
        text = self.templates.get(cause, "{detail}").format(
            culprit=self.label(first.figure),
            likely=first.likely,
            detail=detail,
            difference=shown,
            unit=rel.total.unit.text,
            count=detail,
        )
        if earlier:
            text += self.after + self.comma.join(
                self.to.format(figure=self.label(f), value=c.likely) for f, c in zip(earlier, figures[1:], strict=False)
            )
        n = len(explains[h])
        if n > 1:
            text += self.resolves.format(n=n)
        known = bulk._BY_CAUSE.get(cause)
        severity = known.severity if known is not None else "error"
        if cause == "unexplained" and rel.empty:
            severity = WARNING
        contenders = [g for g in rivals if classes[g][0] != "unexplained" and len(explains[g]) >= n]
        likely = n >= 2 or (not contenders and cause not in ("unexplained", *ALONE_POSSIBLE))
        same = [g for g in contenders if classes[g][0] == cause and self.figure(g).ref != mine.ref]
        if same:  # as good a correction of another figure: the culprit is one of them, not known which
            text += self.as_likely + self.comma.join(
                self.to.format(figure=self.label(self.figure(g)), value=self.likely(g)) for g in same
            )
        return Diagnosis(
            cause=cause,
            severity=severity,
            root=root,
            text=text,
            figures=tuple(figures),
            explains=explains[h],
            applicability=Applicability.LIKELY if likely else Applicability.POSSIBLE,
            corrections=1 + len({f.ref for f in earlier}),
        )
