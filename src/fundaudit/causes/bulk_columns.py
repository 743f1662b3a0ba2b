"""Settled straight from the columns: bulk's screens and its arrays without a model object per relation.

A large audit read from tables (:class:`fundaudit.columnar.arrays.Columns`) is diagnosed one
group of failing relations at a time. Most of a group's failing relations are sums and products
that :mod:`fundaudit.causes.bulk` settles alone, as arrays (:mod:`fundaudit.causes.bulk_arrays`),
from nothing but their figures' numbers; turning each of them into a
:class:`~fundaudit.findings.Relation` of :class:`~fundaudit.model.Figure` objects first cost more
than settling them. Here bulk's screens (:func:`fundaudit.causes.bulk.screened`: the relation's
own shape, its difference against every figure and every positive difference of the group, the
opposite difference on one of its YAML lines) are computed for the whole group as ``int64``
arrays, the relations that pass them and share no figure go to the arrays as numbers
(:class:`~fundaudit.causes.bulk_arrays.Batch`, the figures the words name made as objects
when asked), and only the others are made objects and settled as before
(:func:`fundaudit.causes.bulk.settle_screened`), with the screens computed here.

A group whose numbers do not all fit (a coefficient column of Python integers, a difference
past int64) is left to the objects' path whole (:func:`settle_columns` returns ``None``). The
differences are exact integers; no float is used. ``tests/test_causes_columns.py`` holds this
path equal, byte for byte, to the objects' path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from fundaudit.causes import bulk, quarter_rounding
from fundaudit.causes._base import Diagnosis
from fundaudit.causes.bulk import _diff_key, _norm, _shown
from fundaudit.causes.bulk_arrays import Batch, Raw, Record, ndigits, settle_products, settle_sums, stripped
from fundaudit.causes.bulk_cumulative import settle_cumulative
from fundaudit.columnar.arrays import KINDS, Columns, FigureColumns, RelationColumns, take
from fundaudit.findings import Relation, revision_of
from fundaudit.model import Figure
from fundaudit.tolerance import Tolerance

Array = np.ndarray[Any, Any]
SUM, SUM_LE, CUMULATIVE, PRODUCT = (KINDS.index(k) for k in ("sum", "sum-le", "cumulative", "product"))
_FITS = 17  # digits of a term of a difference on its relation's grid (64 of them stay within int64)
_MOST = 64  # figures of a relation whose difference is taken as an array


class _Figures:
    """The figures of a :class:`Batch` read from columns: row ``i`` is figure ``rows[i]``,
    made a model object when asked (:meth:`prefetch` makes many at once)."""

    def __init__(self, columns: FigureColumns, rows: list[int]) -> None:
        self._columns, self._rows = columns, rows
        self._made: dict[int, Figure] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: int) -> Figure:
        got = self._made.get(self._rows[i])
        if got is None:
            self.prefetch([i])
            got = self._made[self._rows[i]]
        return got

    def prefetch(self, at: Sequence[int] | Array) -> None:
        rows = sorted({self._rows[i] for i in np.asarray(at, dtype=np.int64).tolist()} - self._made.keys())
        if rows:
            self._made.update(zip(rows, self._columns.figures_at(rows), strict=True))

    def records(self, at: Sequence[int] | Array) -> dict[int, Record]:
        """The figures at ``at`` (rows of the batch) as records (:data:`~fundaudit.causes.bulk_arrays.Record`:
        the row of the encoded table a model object would be encoded as), each column read once."""
        at = np.asarray(at, dtype=np.int64).tolist()
        rows = sorted({self._rows[i] for i in at})
        units = self._columns.units
        ref, label, c, e, u, sf, sl, yf, yl, b, n, d = self._columns.columns_at(rows)
        texts, dims, pows = [x.text for x in units], [x.dimension for x in units], [x.pow10 for x in units]
        text, dim, pow10 = [texts[k] for k in u], [dims[k] for k in u], [pows[k] for k in u]
        made = dict(
            zip(rows, zip(ref, label, c, e, text, dim, pow10, sf, sl, yf, yl, b, n, d, strict=True), strict=True)
        )
        return {i: made[self._rows[i]] for i in at}

    def refs(self, at: Sequence[int] | Array) -> dict[int, str]:
        """The refs of the figures at ``at`` (rows of the batch), the column read once."""
        at = np.asarray(at, dtype=np.int64).tolist()
        return dict(zip(at, take(self._columns.ref, [self._rows[i] for i in at]), strict=True))


def _pair_in(a: Array, ax: Array, b: Array, bx: Array) -> Array:
    """Whether each pair ``(a, ax)`` is one of the pairs ``(b, bx)``."""
    out = np.zeros(len(a), dtype=bool)
    for x in np.unique(bx).tolist():
        mine = ax == x
        if mine.any():
            out[mine] = np.isin(a[mine], b[bx == x])
    return out


def _normed(n: Array, x: Array) -> tuple[Array, Array]:
    """bulk._norm of each ``n × 10**x``: trailing zeros moved into the exponent, 0 as (0, 0)."""
    s, tz = stripped(np.abs(n))
    return np.where(n < 0, -s, s), np.where(n == 0, 0, x + tz)


class Flat(NamedTuple):
    """The figures of some relations, one row each, relation by relation, total then parts:
    ``sizes`` and ``starts`` of each relation's rows, ``of`` each row's relation, ``pos`` its
    place (0: the total) and ``figs`` its figure (a row of the figure columns)."""

    sizes: Array
    starts: Array
    of: Array
    pos: Array
    figs: Array


def flat_figures(rc: RelationColumns, at: Array) -> Flat:
    """The figures of the relations at ``at`` (rows of ``rc``, in that order), total then parts."""
    first = rc.offsets[at]
    sizes = rc.offsets[at + 1] - first + 1
    starts = np.zeros(len(at), dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    of = np.repeat(np.arange(len(at)), sizes)  # each figure's relation
    pos = np.arange(len(of)) - starts[of]  # 0: the total
    figs = np.empty(len(of), dtype=np.int64)  # each figure's row in the columns
    figs[starts] = rc.total[at]
    part = pos > 0
    figs[part] = rc.parts[first[of[part]] + pos[part] - 1]
    return Flat(sizes, starts, of, pos, figs)


class Settled:
    """What :func:`settle_columns` settled of a group, and the rest as model objects.

    ``ids``: every relation's id, in the group's order; ``done``: the diagnoses of those settled
    as arrays (:data:`~fundaudit.causes.bulk_arrays.Raw` tuples of records, or objects);
    ``rest``: the others as objects, in order, with bulk's screens of them (``diffs``, ``ok``)
    for :func:`fundaudit.causes.bulk.settle_screened`."""

    def __init__(
        self,
        ids: list[str],
        done: dict[str, Diagnosis | Raw],
        rest: list[Relation],
        diffs: list[tuple[int, int] | None],
        ok: list[bool],
    ) -> None:
        self.ids, self.done, self.rest, self.diffs, self.ok = ids, done, rest, diffs, ok


def settle_columns(columns: Columns, rows: Sequence[int], tolerance: Tolerance) -> Settled | None:
    """The failing relations at ``rows`` (one group, in its order) settled as arrays where bulk
    settles them so, the rest read as objects; ``None`` when the group's numbers do not fit."""
    fc, rc = columns.figures, columns.relations
    if fc.coefficient.dtype != np.int64 or not len(rows):
        return None
    at = np.asarray(rows, dtype=np.int64)
    n = len(at)
    flat = flat_figures(rc, at)
    sizes, starts, of, pos, figs = flat.sizes, flat.starts, flat.of, flat.pos, flat.figs
    nparts = sizes - 1
    kind = rc.kind[at].astype(np.int64)
    c = fc.coefficient[figs]
    e = fc.exponent[figs].astype(np.int64)
    code = fc.unit_code[figs]
    units = fc.units
    pow10 = np.array([u.pow10 for u in units], dtype=np.int64)[code]
    dims = sorted({u.dimension for u in units})
    dim = np.array([dims.index(u.dimension) for u in units], dtype=np.int64)[code]
    be = e + pow10  # each figure's exponent in its base unit

    # bulk._diff_key: total − Σ parts (a cumulative schedule's last running total) on the finest grid
    kf = kind[of]
    term = (kf != PRODUCT) & ((kf != CUMULATIVE) | (pos == 0) | (pos == sizes[of] - 1))
    one_dim = np.minimum.reduceat(dim, starts) == np.maximum.reduceat(dim, starts)
    none = (kind == PRODUCT) | ~one_dim
    big = 1 << 40
    g = np.minimum.reduceat(np.where(term, be, big), starts)
    shift = np.where(term, be - g[of], 0)
    fits = ~term | ((np.abs(c) < 10**_FITS) & (shift + ndigits(np.abs(c)) <= _FITS))
    wide = ~none & (np.logical_or.reduceat(~fits, starts) | (sizes > _MOST))  # in Python integers
    from fundaudit.causes.bulk_arrays import P10

    val = np.where(term & ~none[of] & ~wide[of], c * P10[np.minimum(shift, 18)], 0)
    signed = np.where(pos == 0, val, -val)
    dn, dg = _normed(np.add.reduceat(signed, starts), g)
    dn, dg = np.where(none, 0, dn), np.where(none, 0, dg)
    for k in np.flatnonzero(wide).tolist():
        mine = slice(int(starts[k]), int(starts[k] + sizes[k]))
        terms = [(x, y) for x, y, t in zip(c[mine].tolist(), be[mine].tolist(), term[mine].tolist(), strict=True) if t]
        low = min(y for _x, y in terms)
        n_ = terms[0][0] * 10 ** (terms[0][1] - low) - sum(x * 10 ** (y - low) for x, y in terms[1:])
        n_, low = _norm(n_, low)
        if not -(2**62) < n_ < 2**62:
            return None  # a difference past int64 even without its zeros: the objects' path
        dn[k], dg[k] = n_, low

    # each figure's value (bulk._value_key) and the group's sets of bulk's screens
    vn, vx = _normed(c, be)
    nonzero = ~none & (dn != 0)
    positive = nonzero & (dn > 0) & (kind == SUM)  # the positive differences of sums
    in_sums = _pair_in(vn, vx, dn[positive], dg[positive])
    d_is_value = positive & _pair_in(dn, dg, vn, vx)

    # bulk._alone's screens of the relation itself
    rules = take(rc.rule, rows)
    ok = (nparts > 0) & ~rc.has_missing[at] & ~rc.has_empty[at]
    ok &= (kind != PRODUCT) | (nparts == 2)
    ok &= ~np.logical_or.reduceat(c < 0, starts)
    ok &= (kind == PRODUCT) | one_dim
    ok &= ~np.logical_or.reduceat(in_sums, starts)
    ok &= ~d_is_value
    quarter = quarter_rounding.RULES
    crossed = [k for k, rule in enumerate(rules) if rule == "cross-document"]
    for k, note in zip(crossed, take(rc.note, [rows[k] for k in crossed]), strict=True):
        if revision_of(rules[k], note):  # a revision (Relation.revision)
            ok[k] = False
    for k in np.flatnonzero(kind == SUM).tolist():
        if rules[k] in quarter:
            ok[k] = False
    order = np.lexsort((figs, of))  # a figure twice in one relation
    twice = (of[order][1:] == of[order][:-1]) & (figs[order][1:] == figs[order][:-1])
    ok[of[order][1:][twice]] = False
    # a misplaced amount: a relation with the opposite difference on one of its YAML lines (and
    # no figure in common); only relations whose opposite difference is some relation's may have one
    flip = np.flatnonzero(nonzero & _pair_in(-dn, dg, dn[nonzero], dg[nonzero]))
    if len(flip):
        _misplaced(fc, flip, starts, sizes, figs, dn, dg, ok)

    # clusters: a relation sharing no figure with another is alone
    pairs = np.unique(figs * n + of) if n else figs
    shared_fig = np.unique(pairs // n, return_counts=True)
    many = shared_fig[0][shared_fig[1] > 1]
    single = ~np.logical_or.reduceat(np.isin(figs, many), starts)
    arrayed = ok & single
    sums = np.flatnonzero(arrayed & ((kind == SUM) | (kind == SUM_LE)))
    products = np.flatnonzero(arrayed & (kind == PRODUCT))
    cumulatives = np.flatnonzero(arrayed & (kind == CUMULATIVE))
    ids = take(rc.id, rows)
    done: dict[str, Diagnosis | Raw] = {}
    given: set[int] = set()  # relations given to the arrays and settled there (None: the localiser's)
    held: set[int] = set()  # of those, the ones the arrays left to the localiser
    for which in (sums, products, cumulatives):
        if len(which) < bulk.ARRAYS:
            continue
        batch = _batch(columns, at, which, ids, rules, kind, starts, sizes, figs, c, e, code)
        if which is products:
            got, routed = settle_products(batch, tolerance)
        else:
            diffs = zip(dn[which].tolist(), dg[which].tolist(), code[starts[which]].tolist(), strict=True)
            shown = [_shown((a, b), units[u]) for a, b, u in diffs]
            settle = settle_sums if which is sums else settle_cumulative
            got, routed = settle(batch, shown, tolerance)
        back = set(routed)
        for j, k in enumerate(which.tolist()):
            if j in back:
                continue
            given.add(k)
            d = got.get(ids[k])
            if d is None:
                held.add(k)
            else:
                done[ids[k]] = d
    left = [k for k in range(n) if k not in given or k in held]
    rest = columns.relations_at([rows[k] for k in left])
    okl = ok.tolist()
    return Settled(
        ids,
        done,
        rest,
        [_diff_key(rel) for rel in rest],
        [okl[k] and k not in held for k in left],
    )


def _batch(
    columns: Columns,
    at: Array,
    which: Array,
    ids: list[str],
    rules: list[str],
    kind: Array,
    starts: Array,
    sizes: Array,
    figs: Array,
    c: Array,
    e: Array,
    code: Array,
) -> Batch:
    """The relations ``which`` (indices into the group) as a :class:`Batch`."""
    units = columns.figures.units
    count = sizes[which]
    first = np.zeros(len(which), dtype=np.int64)
    np.cumsum(count[:-1], out=first[1:])
    rows = np.repeat(starts[which] - first, count) + np.arange(int(count.sum()))  # their figures in the group
    mine = which.tolist()
    return Batch(
        [ids[k] for k in mine],
        [rules[k] for k in mine],
        [KINDS[k] for k in kind[which].tolist()],
        [(False, False)] * len(mine),  # no empty cell, no missing part: screened
        [units[u] for u in code[starts[which]].tolist()],
        _Figures(columns.figures, figs[rows].tolist()),  # type: ignore[arg-type]
        c[rows].tolist(),
        e[rows].tolist(),
        count.tolist(),
        code[rows],
        list(units),
    )


def _misplaced(
    fc: FigureColumns, flip: Array, starts: Array, sizes: Array, figs: Array, dn: Array, dg: Array, ok: Array
) -> None:
    """bulk._alone's misplaced-amount screen of the relations ``flip`` (the only ones whose
    opposite difference is some relation's), in Python as bulk does it: ``ok`` set False."""
    mine: dict[int, list[int]] = {k: figs[starts[k] : starts[k] + sizes[k]].tolist() for k in flip.tolist()}
    flat = [f for k in mine for f in mine[k]]
    files = dict(zip(flat, take(fc.yaml_file, flat), strict=True))
    lines = dict(zip(flat, fc.yaml_line[np.asarray(flat, dtype=np.int64)].tolist(), strict=True))
    d = {k: (int(dn[k]), int(dg[k])) for k in mine}
    at: dict[tuple[tuple[int, int], tuple[str, int]], list[int]] = {}
    for k, fs in mine.items():
        for line in {(files[f], lines[f]) for f in fs}:
            at.setdefault((d[k], line), []).append(k)
    for k, fs in mine.items():
        refs = set(fs)
        for line in {(files[f], lines[f]) for f in fs}:
            if any(refs.isdisjoint(mine[o]) for o in at.get(((-d[k][0], d[k][1]), line), ())):
                ok[k] = False
                break
