"""Settled in bulk: the failing relations whose diagnosis their own figures decide, without the localiser's rounds.

:func:`fundaudit.causes.localise.diagnose` weighs the candidates of every failing relation of
a group against each other, round after round: about a millisecond of Python per relation.
Most failing relations of a large data set need none of that. Take a *cluster* — failing
relations joined by the figures they share (most often one relation alone, or a 合计 with the
sums it closes). When no cause but the one-figure ones (a residual, a unit slip, a point
moved) can propose anything for its relations, and nothing ties it to another cluster, the
localiser's answer for it is decided by its own candidates in its first round. :func:`settle`
gives such clusters exactly that answer — the same candidates, the same exact verdicts, the
same ranking (relations explained, cause, total before part, round figures, fewest changed
digits, the candidate's key), the same rivals and the same words
(:func:`fundaudit.causes.localise._diagnosis`) — and leaves every other relation, unchanged,
to the localiser.

The screens (each a sound over-approximation of a cause proposing something, or of a
cluster touching another):

- a ``sum``, ``sum-le``, ``cumulative`` (alone) or two-part ``product``, sums over one
  dimension, each figure once, with parts, nothing missing, no empty cell, no revision
  (``revised``, ``blank-cell``, ``unstated-part``), no negative figure, and no ``schedule``
  sum (``quarter-rounding``);
- no failing relation of the group without a figure in common has the opposite difference
  on one of its YAML lines (``misplaced-amount``); a sum's positive difference is the value
  of no figure of the group (``omitted-part``, ``double-counted-part``), and no figure of
  the cluster is the positive difference of a sum of the group (the part another one lacks);
- no two slips of a table sum's figures that keep their digits add up to its difference
  (the localiser's pairs);
- the first round settles every relation of the cluster, and a relation that nothing
  explains has no candidate the localiser would try to carry into other sums in a later round.

In a first round the localiser carries nothing (no relation a candidate sits in holds before
any correction), so the clusters settled here neither take from nor add to what the others
get. The candidates are computed in Python integers (each figure's target on its relation's
grid, the 5 % test at the target's order of magnitude, the exact and rounded values) and
judged as :func:`fundaudit.judge.verdict_of` judges them; a cumulative schedule's come from
the localiser's own proposers. The one-relation sums and products of a group are settled
together, as arrays (:mod:`fundaudit.causes.bulk_arrays`); the functions here are the same
answers one relation at a time, for the rest. ``tests/test_causes_bulk.py`` holds the two paths equal, word
for word, on invented relation sets, the benchmark's two shapes and the real data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import partial
from math import gcd

from fundaudit.causes import (
    REGISTRY,
    coarser_rounding,
    decimal_shift,
    digit_typo,
    localise,
    quarter_rounding,
    stale_total,
    transposition,
    truncation,
    unexplained,
    unit_slip,
)
from fundaudit.causes._base import (
    NEAR,
    RESTATED,
    Candidate,
    Diagnosis,
    Edit,
    precision,
    product_shifts,
    same_value,
    shifted,
    sibling_units,
    written_fraction,
)
from fundaudit.causes._base import _near as _near_digit
from fundaudit.causes.localise import LENIENT, NO_CARRY, PAIR_PARTS, RIVALS, _Hyp
from fundaudit.findings import Relation
from fundaudit.judge import _factor_pows
from fundaudit.model import Figure
from fundaudit.numbers import Written, format_scaled, trailing
from fundaudit.tolerance import Policy, Tolerance
from fundaudit.units import Unit

KINDS = frozenset({"sum", "sum-le", "cumulative", "product"})
ARRAYS = 16  # one-relation sums (or products) of a group from which the arrays pay (measured: below, numpy's
# cost per call exceeds the Python one-at-a-time path; at 32 a group they take 0.85x its time, at 800 0.3x)
_ORDER = {c.id: i for i, c in enumerate(REGISTRY)}
_BY_CAUSE = {c.id: c for c in REGISTRY}


def _norm(c: int, e: int) -> tuple[int, int]:
    """``c × 10**e`` as one pair per value (trailing zeros moved into the exponent)."""
    if c == 0:
        return (0, 0)
    c, zeros = trailing(c, 10)
    return (c, e + zeros)


def _value_key(fig: Figure) -> tuple[int, int]:
    c, e = fig.value.coefficient, fig.value.exponent + fig.unit.pow10
    return (c, e) if c % 10 else _norm(c, e)


def _diff_key(rel: Relation) -> tuple[int, int] | None:
    """:func:`fundaudit.causes._base.difference` of ``rel`` (total − Σ parts, base unit) as
    :func:`_norm` gives it, in Python integers; ``None`` for a product or mixed dimensions."""
    total = rel.total
    if rel.kind == "product":
        return None
    dim = total.unit.dimension
    for f in rel.parts:
        if f.unit.dimension != dim:
            return None
    parts = rel.parts[-1:] if rel.kind == "cumulative" else rel.parts
    terms = [(f.value.coefficient, f.value.exponent + f.unit.pow10) for f in (total, *parts)]
    g = min(e for _c, e in terms)
    n: int = 0
    for c, e in terms[1:]:
        n += c * 10 ** (e - g) if e != g else c
    c, e = terms[0]
    n = (c * 10 ** (e - g) if e != g else c) - n
    return (n, g) if n % 10 else _norm(n, g)


def _shown(d: tuple[int, int] | None, unit: Unit) -> str:
    """The difference ``d`` (:func:`_diff_key`) in ``unit`` as :func:`fundaudit.causes.localise._text`
    words it (``d`` has no trailing zero, so its decimals are exactly ``-(exponent)``)."""
    if d is None:
        return ""
    if d[0] == 0:
        return "0"
    n, k = d[0], d[1] - unit.pow10
    if k >= 0:
        return str(n * 10**k)
    return format_scaled(n, k) if -k <= 8 else str(Fraction(n, 10**-k))


def settle(failing: Sequence[Relation], tolerance: Tolerance) -> tuple[dict[str, Diagnosis], list[Relation]]:
    """The diagnoses of the failing relations settled here (by id), and the relations left,
    in their order, for :func:`fundaudit.causes.localise.diagnose`."""
    diffs, ok = screened(failing)
    return settle_screened(failing, diffs, ok, tolerance)


def screened(failing: Sequence[Relation]) -> tuple[list[tuple[int, int] | None], list[bool]]:
    """Each failing relation's difference (:func:`_diff_key`) and whether it passes every screen
    of the module doc but the last two (:func:`_alone`), among the failing relations of its group."""
    values: set[tuple[int, int]] = set()
    sums: set[tuple[int, int]] = set()  # the positive differences of sums
    sizes: dict[
        tuple[tuple[int, int], tuple[str, int]], list[Relation]
    ] = {}  # (difference, YAML file, line) -> relations
    diffs: list[tuple[int, int] | None] = []
    keys: list[list[tuple[int, int]]] = []  # each relation's figures' values (_value_key)
    for rel in failing:
        mine = [_value_key(f) for f in (rel.total, *rel.parts)]
        keys.append(mine)
        values.update(mine)
        d = _diff_key(rel)
        diffs.append(d)
        if d is not None and d[0] != 0:
            if d[0] > 0 and rel.kind == "sum":
                sums.add(d)
            for line in {(f.yaml.file, f.yaml.line) for f in (rel.total, *rel.parts)}:
                sizes.setdefault((d, line), []).append(rel)
    ok = [_alone(rel, d, mine, values, sums, sizes) for rel, d, mine in zip(failing, diffs, keys, strict=True)]
    return diffs, ok


def settle_screened(
    failing: Sequence[Relation],
    diffs: Sequence[tuple[int, int] | None],
    ok: Sequence[bool],
    tolerance: Tolerance,
    arrays: bool = True,
) -> tuple[dict[str, Diagnosis], list[Relation]]:
    """:func:`settle` of relations :func:`screened` (``diffs``, ``ok``) among the failing
    relations of their group; ``arrays``: whether the one-relation sums and products may be
    settled as arrays (else one at a time: the arrays have had them)."""
    done: dict[str, Diagnosis] = {}
    alone: list[tuple[Relation, tuple[int, int] | None]] = []
    many: list[tuple[list[Relation], list[tuple[int, int] | None]]] = []
    for cluster in _clusters(failing):
        if not all(ok[k] for k in cluster):
            continue
        ds = [diffs[k] for k in cluster]
        rels = [failing[k] for k in cluster]
        if len(rels) == 1:
            alone.append((rels[0], ds[0]))
        elif not any(r.kind == "cumulative" for r in rels):  # bulk._cluster's first screen
            many.append((rels, ds))
    if len(many) >= ARRAYS:  # as arrays (bulk_clusters), the clusters they send back one at a time
        from fundaudit.causes.bulk_clusters import settle_clusters

        try:
            settled, back = settle_clusters([m[0] for m in many], [m[1] for m in many], tolerance)
        except Exception:  # bulk's own path then, cluster by cluster
            settled, back = {}, list(range(len(many)))
        done.update(settled)
        many = [many[k] for k in back]
    for rels, ds in many:
        try:
            done.update(_cluster(rels, ds, tolerance) or {})
        except Exception:  # the localiser meets it again and notes it, as it always has
            continue
    for rel, d in _arrays(alone, tolerance, done, arrays):
        try:
            got = _settled(rel, d, tolerance)
        except Exception:  # the localiser meets it again and notes it, as it always has
            continue
        if got is not None:
            done[rel.id] = got
    return done, [rel for rel in failing if rel.id not in done]


def _arrays(
    alone: list[tuple[Relation, tuple[int, int] | None]],
    tolerance: Tolerance,
    done: dict[str, Diagnosis],
    arrays: bool = True,
) -> list[tuple[Relation, tuple[int, int] | None]]:
    """The sums and products of ``alone`` settled as arrays (:mod:`fundaudit.causes.bulk_arrays`)
    into ``done``; the relations left for :func:`_settled`, in their order. ``arrays`` False:
    the arrays have had them, all but the table sums they leave for two slips together
    (:func:`_pairs`), which go to them again once :func:`_pairs` has cleared them here."""
    from fundaudit.causes.bulk_arrays import settle_products, settle_sums

    taken: set[int] = set()
    cleared = _unpaired(alone)
    for kinds in (("sum", "sum-le"), ("product",)) if arrays else (("sum", "sum-le"),):
        at = [k for k, (rel, _d) in enumerate(alone) if rel.kind in kinds and (arrays or k in cleared)]
        if len(at) < ARRAYS:
            continue
        rels = [alone[k][0] for k in at]
        try:
            if kinds[0] == "product":
                got, rest = settle_products(rels, tolerance)
            else:
                shown = [_shown(alone[k][1], alone[k][0].total.unit) for k in at]
                got, rest = settle_sums(rels, shown, tolerance, [k in cleared for k in at])
        except Exception:  # bulk's own path then, relation by relation
            continue
        done.update({rid: d for rid, d in got.items() if d is not None})
        taken |= set(at) - {at[k] for k in rest}
    return [x for k, x in enumerate(alone) if k not in taken]


def _unpaired(alone: Sequence[tuple[Relation, tuple[int, int] | None]]) -> set[int]:
    """The table sums of ``alone`` (by index) for which :func:`_pairs` proposes nothing: then the
    localiser's two slips together cannot be their answer, and their rule plays no other part in
    what the arrays decide (:mod:`fundaudit.causes.bulk_arrays` sends every table sum back).
    Screened as arrays (:mod:`fundaudit.causes.bulk_pairs`)."""
    from fundaudit.causes.bulk_pairs import paired

    at = [
        k
        for k, (rel, _d) in enumerate(alone)
        if rel.kind in ("sum", "sum-le") and rel.rule.startswith("table-") and rel.rule not in RESTATED
    ]
    try:
        found = paired([alone[k][0] for k in at], [alone[k][1] for k in at])
    except Exception:  # one at a time then (a crash of _pairs itself is the localiser's to meet)
        found = [True] * len(at)
    return {k for k, two in zip(at, found, strict=True) if not two}


def _clusters(failing: Sequence[Relation]) -> list[list[int]]:
    """The failing relations (by index) joined by the figures they share, each in order."""
    refs = [f.ref for rel in failing for f in (rel.total, *rel.parts)]
    if len(set(refs)) == len(refs):  # no figure in two relations (nor twice in one): each alone
        return [[k] for k in range(len(failing))]
    parent = list(range(len(failing)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for k, rel in enumerate(failing):
        for f in (rel.total, *rel.parts):
            a, b = find(k), find(first.setdefault(f.ref, k))
            if a != b:
                parent[max(a, b)] = min(a, b)
    out: dict[int, list[int]] = {}
    for k in range(len(failing)):
        out.setdefault(find(k), []).append(k)
    return list(out.values())


def _alone(
    rel: Relation,
    d: tuple[int, int] | None,
    keys: list[tuple[int, int]],
    values: set[tuple[int, int]],
    sums: set[tuple[int, int]],
    sizes: dict[tuple[tuple[int, int], tuple[str, int]], list[Relation]],
) -> bool:
    """Whether ``rel`` passes every screen of the module doc but the last two (``keys``: its
    figures' :func:`_value_key`)."""
    figs = (rel.total, *rel.parts)
    kind = rel.kind
    if kind not in KINDS or not rel.parts or rel.missing or rel.empty or rel.revision:
        return False
    mine = {f.ref for f in figs}
    if len(mine) != len(figs):
        return False
    if kind == "product" and len(rel.parts) != 2:
        return False
    if kind == "sum" and rel.rule in quarter_rounding.RULES:
        return False
    if any(f.value.coefficient < 0 for f in figs):
        return False
    if kind != "product" and len({f.unit.dimension for f in figs}) != 1:
        return False
    if not sums.isdisjoint(keys):
        return False
    if d is not None and d[0] != 0:
        if kind == "sum" and d[0] > 0 and d in values:
            return False
        for line in {(f.yaml.file, f.yaml.line) for f in figs}:  # a misplaced amount: the opposite difference
            if any(mine.isdisjoint(f.ref for f in (o.total, *o.parts)) for o in sizes.get(((-d[0], d[1]), line), ())):
                return False
    return True


def _settled(rel: Relation, d: tuple[int, int] | None, tolerance: Tolerance) -> Diagnosis | None:
    """The localiser's diagnosis of ``rel`` alone, or ``None`` when it cannot be given here."""
    got = _proposed(rel, d, tolerance)
    return None if got is None else _ranked(rel, *got, _shown(d, rel.total.unit))


def _proposed_cumulative(rel: Relation, tolerance: Tolerance) -> _Proposed:
    """The candidates the localiser's proposers give a cumulative schedule (unit_slip.propose,
    decimal_shift.propose, localise.residual, in that order), in Python integers: only the
    annual figure and the last running total have a target (each other's value), and every
    verdict is :func:`_cumulative_verdict`'s."""
    figs = (rel.total, *rel.parts)
    now = [(f.value, f.unit) for f in figs]

    def judged(moves: dict[int, tuple[Written, Unit]]) -> int:
        world = list(now)
        for i, wu in moves.items():
            world[i] = wu
        return _cumulative_verdict(world, tolerance)

    last = len(figs) - 1
    (ct, et), (cl, el) = ((f.value.coefficient, f.value.exponent + f.unit.pow10) for f in (rel.total, figs[last]))
    g = min(et, el)
    on_t, on_l = ct * 10 ** (et - g), cl * 10 ** (el - g)
    targets = {0: on_l, last: on_t}  # n × 10**g base units: the annual figure is the last running total
    cands: list[_Cand] = []
    # within 5 % of a target only at its order of magnitude, give or take one (as _proposed_sum screens)
    reach = {i: None if t == 0 else len(str(abs(t))) + g for i, t in targets.items()}

    def far(i: int, c: int, e: int) -> bool:
        at = reach[i]
        return c != 0 and at is not None and abs(at - len(str(abs(c))) - e) > 1

    for i, f in enumerate(figs):  # unit_slip.propose
        t = targets.get(i)
        if t is None:
            continue
        for unit in _siblings(f.unit):
            c, e = f.value.coefficient, f.value.exponent + unit.pow10
            if not far(i, c, e) and _near(t, g, c, e):
                v = judged({i: (f.value, unit)})
                if v != _OFF:
                    cands.append((i, f.value, unit, unit_slip.ID, "", v))
    units = [f.unit for f in figs]
    odd = [i for i, u in enumerate(units) if units.count(u) == 1]
    common = [u for u in units if units.count(u) > 1]
    if len(odd) == 1 and common and len(figs) >= 3 and units[odd[0]] in (*_siblings(common[0]), common[0]):
        i, unit = odd[0], common[0]
        t = targets.get(i)
        if t is not None:
            w = _written(t, g - unit.pow10, 4)
            if w is not None and w.coefficient > 0:
                cands.append((i, w, unit, unit_slip.ID, "odd-unit", judged({i: (w, unit)})))
    for i, f in enumerate(figs):  # decimal_shift.propose
        t = targets.get(i)
        if t is None or f.value.coefficient == 0:
            continue
        c, e = f.value.coefficient, f.value.exponent + f.unit.pow10
        ks = [k for k in decimal_shift.SHIFTS if not far(i, c, e + k) and _near(t, g, c, e + k)]
        cands += _shifts(i, f, ks, judged)
    for i in (0, last):  # localise.residual
        f, t = figs[i], targets[i]
        m = g - f.unit.pow10
        if t < 0 or (t == 0 and f.value.coefficient != 0):
            continue
        w = _written(t, m, f.value.decimals + 4)
        cands += _residual(i, f, w, None, partial(_rounded, t, m), judged)
    return figs, cands, judged


def _cumulative_verdict(now: Sequence[tuple[Written, Unit]], tolerance: Tolerance) -> int:
    """bulk's verdict code of a cumulative schedule written as ``now`` (the annual figure, then
    the running totals; none missing, no empty cell): the judge's (``judge._cumulative``) —
    no running total falls by more than both allowances, and the last one is the annual figure
    within them — without its words. A revision or mixed dimensions do not hold either."""
    if len({u.dimension for _w, u in now}) != 1:
        return _OFF  # the judge's error
    terms = [(w.coefficient, w.exponent + u.pow10, _half(tolerance, w.exponent, u.pow10)) for w, u in now]
    g = min(e for _c, e, _h in terms) - 1
    vals = [c * 10 ** (e - g) for c, e, _h in terms]
    tol = [0 if h is None else 5 * 10 ** (h - g) for _c, _e, h in terms]
    for k in range(2, len(vals)):
        if vals[k - 1] - vals[k] > tol[k - 1] + tol[k]:
            return _OFF
    diff = vals[0] - vals[-1]
    return _MATCH if diff == 0 else _ROUNDING if abs(diff) <= tol[0] + tol[-1] else _OFF


# ---------------------------------------------------------------- sums, in Python integers
#
# A sum's figures as (coefficient, exponent in the base unit, half-unit exponent or None);
# a candidate as (figure index, Written, Unit, cause, detail). The verdicts are those of
# fundaudit.judge (_sum_terms_of, _sum_verdict), the candidates those of the localiser's
# proposers (unit_slip, decimal_shift, residual) for a relation over one dimension.

_MATCH, _WITHIN, _ROUNDING, _OFF = 0, 1, 2, 3
_Cand = tuple[int, Written, Unit, str, str, int]  # figure index, value, unit, proposing cause, detail, verdict
_Judged = Callable[[dict[int, tuple[Written, Unit]]], int]  # the verdict with figures moved (by index)
_Proposed = tuple[tuple[Figure, ...], list[_Cand], _Judged]


_SIBLINGS: dict[Unit, tuple[Unit, ...]] = {}


def _siblings(unit: Unit) -> tuple[Unit, ...]:
    """:func:`fundaudit.causes._base.sibling_units`, once per unit."""
    got = _SIBLINGS.get(unit)
    if got is None:
        got = _SIBLINGS[unit] = tuple(sibling_units(unit))
    return got


def _half(tolerance: Tolerance, e: int, pow10: int) -> int | None:
    """:meth:`Tolerance.half_unit_exponent` of a figure written with exponent ``e`` in a unit 10**pow10."""
    if tolerance.policy is Policy.EXACT or (e >= 0 and tolerance.policy is Policy.DIGITS):
        return None
    return e + pow10 - 1


def _near(n: int, g: int, coefficient: int, e: int) -> bool:
    """:func:`fundaudit.causes._base.near_value` of the target ``n × 10**g`` (base unit)."""
    num, den = n * 10 ** max(g, 0), 10 ** max(-g, 0)
    v_num: int = coefficient * 10 ** max(e, 0)
    v_den: int = 10 ** max(-e, 0)
    return bool(abs(v_num * den - num * v_den) * 20 <= abs(num) * v_den)


def _written(n: int, m: int, most: int) -> Written | None:
    """:func:`fundaudit.causes._base.written` of ``n × 10**m`` with at most ``most`` decimals."""
    if m >= 0:
        return Written(n * 10**m, 0)
    n, z = trailing(n, 10, -m)
    d = -m - z
    if d > most:
        return None
    return Written(n, -d) if d else Written(n, 0)


def _rounded(n: int, m: int, exponent: int) -> Written:
    """:func:`fundaudit.causes._base.rounded` of ``n × 10**m`` to the digit 10**exponent."""
    if m >= exponent:
        return Written(n * 10 ** (m - exponent), exponent)
    den = 10 ** (exponent - m)
    r, rem = divmod(abs(n), den)
    if 2 * rem >= den:
        r += 1
    return Written(r if n >= 0 else -r, exponent)


def _proposed_sum(rel: Relation, d: tuple[int, int] | None, tolerance: Tolerance) -> _Proposed | None:
    """The candidates the localiser's proposers give a sum over one dimension (:data:`_Cand`), with
    its verdict under moved figures; ``None`` when two slips together might explain it (pairs)."""
    figs = (rel.total, *rel.parts)
    le = rel.kind == "sum-le"
    terms = [
        (f.value.coefficient, f.value.exponent + f.unit.pow10, _half(tolerance, f.value.exponent, f.unit.pow10))
        for f in figs
    ]
    g = min(e for _c, e, _h in terms)
    vals = [c * 10 ** (e - g) for c, e, _h in terms]
    total_sum = sum(vals[1:])
    diff = vals[0] - total_sum
    targets = [total_sum, *(v + diff for v in vals[1:])]  # each figure's target, n × 10**g base units

    g0 = g - 1  # the judge's grid: one below the finest digit; total − Σ parts and the allowances on it
    diff0 = diff * 10
    tol0 = sum(5 * 10 ** (h - g0) for _c, _e, h in terms if h is not None)

    def judged(moves: dict[int, tuple[Written, Unit]]) -> int:
        """The verdict with the figures at ``moves`` moved: the stated difference and allowance
        corrected term by term on a grid fine enough for the moved figures (the verdict only
        compares them, so any common grid gives the judge's)."""
        at = min([g0, *(w.exponent + unit.pow10 - 1 for w, unit in moves.values())])
        scale = 10 ** (g0 - at)
        d, t = diff0 * scale, tol0 * scale
        for i, (w, unit) in moves.items():
            c, e, h = terms[i]
            e2, h2 = w.exponent + unit.pow10, _half(tolerance, w.exponent, unit.pow10)
            moved = w.coefficient * 10 ** (e2 - at) - c * 10 ** (e - at)
            d += moved if i == 0 else -moved
            if h is not None:
                t -= 5 * 10 ** (h - at)
            if h2 is not None:
                t += 5 * 10 ** (h2 - at)
        if le:
            return _MATCH if d == 0 else _WITHIN if d > 0 else _ROUNDING if -d <= t else _OFF
        return _MATCH if d == 0 else _ROUNDING if abs(d) <= t else _OFF

    # within 5 % of a target only at its order of magnitude, give or take one: (digits + exponent)
    reach = [None if t == 0 else len(str(abs(t))) + g for t in targets]
    cands: list[_Cand] = []
    lengths = [len(str(abs(f.value.coefficient))) for f in figs]
    for i, f in enumerate(figs):  # unit_slip.propose: the figure read in a sibling unit
        c, e = f.value.coefficient, f.value.exponent
        at = reach[i]
        for unit in _siblings(f.unit):
            if c and at is not None and abs(at - lengths[i] - e - unit.pow10) > 1:
                continue  # not near: cheaper than _near
            if _near(targets[i], g, c, e + unit.pow10):
                v = judged({i: (f.value, unit)})
                if v != _OFF:
                    cands.append((i, f.value, unit, unit_slip.ID, "", v))
    units = [f.unit for f in figs]
    odd = [i for i, f in enumerate(figs) if units.count(f.unit) == 1]
    common = [u for u in units if units.count(u) > 1]
    if len(odd) == 1 and common and len(figs) >= 3 and units[odd[0]] in (*_siblings(common[0]), common[0]):
        i, unit = odd[0], common[0]
        w = _written(targets[i], g - unit.pow10, 4)
        if w is not None and w.coefficient > 0:
            cands.append((i, w, unit, unit_slip.ID, "odd-unit", judged({i: (w, unit)})))
    for i, f in enumerate(figs):  # decimal_shift.propose
        c, e = f.value.coefficient, f.value.exponent
        at = reach[i]
        if c == 0:
            continue
        ks = [
            k
            for k in decimal_shift.SHIFTS
            if (at is None or abs(at - lengths[i] - e - f.unit.pow10 - k) <= 1)
            and _near(targets[i], g, c, e + f.unit.pow10 + k)
        ]
        cands += _shifts(i, f, ks, judged)
    if not cands and _pairs(rel, d):
        return None
    for i, f in enumerate(figs):  # localise.residual
        t, m = targets[i], g - f.unit.pow10
        if t < 0 or (t == 0 and f.value.coefficient != 0):
            continue
        w = _written(t, m, f.value.decimals + 4)
        cands += _residual(i, f, w, _MATCH, partial(_rounded, t, m), judged)
    return figs, cands, judged


def _shifts(i: int, f: Figure, ks: Sequence[int], judged: _Judged) -> list[_Cand]:
    """:func:`fundaudit.causes.decimal_shift` for figure ``i``: its point moved by each of ``ks``
    (the shifts a proposer's bound lets through, in their order) where the relation then holds."""
    found = []
    for k in ks:
        w = shifted(f.value, k)
        v = judged({i: (w, f.unit)})
        if v != _OFF:
            found.append((i, w, f.unit, decimal_shift.ID, "", v))
    return found


def _residual(
    i: int, f: Figure, w: Written | None, exact: int | None, near: Callable[[int], Written], judged: _Judged
) -> list[_Cand]:
    """:func:`fundaudit.causes.localise.residual` for figure ``i``: its target written exactly
    (``w``, of verdict ``exact``; ``None``: to be judged), else the first rounding of it to
    1–4 more digits that holds; and the target rounded to the figure's own digits, when that
    holds (``near(exponent)`` rounds the target)."""
    found = []
    if w is not None:
        found.append((w, judged({i: (w, f.unit)}) if exact is None else exact))
    else:
        for dd in range(1, 5):
            w = near(f.value.exponent - dd)
            v = judged({i: (w, f.unit)})
            if v != _OFF:
                found.append((w, v))
                break
    same = near(f.value.exponent)
    if same != f.value and all(same != w for w, _v in found):
        v = judged({i: (same, f.unit)})
        if v != _OFF:
            found.append((same, v))
    return [(i, w, f.unit, "", "", v) for w, v in found if w != f.value]


def _proposed(rel: Relation, d: tuple[int, int] | None, tolerance: Tolerance) -> _Proposed | None:
    """The candidates of ``rel`` alone and its verdict under moved figures (``None``: not settled here)."""
    if rel.kind == "product":
        return _proposed_product(rel, tolerance)
    if rel.kind == "cumulative":
        return _proposed_cumulative(rel, tolerance)
    return _proposed_sum(rel, d, tolerance)


def _ranked(rel: Relation, figs: Sequence[Figure], cands: list[_Cand], judged: _Judged, shown: str) -> Diagnosis | None:
    """The localiser's round over one relation's candidates: merged as its pool merges them,
    classified, ranked, the best accepted and its rivals judged again."""
    pool: dict[tuple[int, tuple[int, int]], _Cand] = {}
    for cand in cands:
        i, w, unit, _c, _d, _v = cand
        key = (i, _norm(w.coefficient, w.exponent + unit.pow10))
        known = pool.get(key)
        if known is None or (len(str(abs(w.coefficient))), unit != figs[i].unit) < (
            len(str(abs(known[1].coefficient))),
            known[2] != figs[known[0]].unit,
        ):
            pool[key] = cand
    hyps: list[tuple[tuple[object, ...], Edit, str, str, str]] = []
    for i, w, unit, cause, detail, verdict in pool.values():
        if verdict in (_MATCH, _ROUNDING):
            f = figs[i]
            kind, changed = _cause_of((rel,), f, w, unit)
            order = (
                _ORDER[kind],
                0 if i == 0 else 1,
                len(str(abs(w.coefficient)).rstrip("0")),
                changed,
                _key_text(f.ref, w, unit),
            )
            hyps.append((order, Edit(f, w, unit), kind, cause, detail))
    if not hyps:  # left for every round: a candidate it would carry into other sums may reach them
        carried = any(_cause_of((rel,), figs[c[0]], c[1], c[2])[0] not in NO_CARRY for c in pool.values())
        return None if carried else localise._unexplained(rel)
    hyps.sort(key=lambda h: h[0])
    made = [
        _Hyp(Candidate(cause, rel.id, (edit,), detail), kind, (rel.id,))
        for _o, edit, kind, cause, detail in hyps[: 1 + RIVALS]
    ]
    best, rivals = made[0], made[1:]
    b = best.cand.edits[0]
    bi = next(i for i, f in enumerate(figs) if f is b.figure)
    for g_ in rivals:  # judged again once the best is accepted: those that explain nothing new lose it
        e = g_.cand.edits[0]
        if e.figure is b.figure:
            continue
        if best.cause in LENIENT or g_.cause in LENIENT:
            g_.explains = ()
            continue
        gi = next(i for i, f in enumerate(figs) if f is e.figure)
        assert b.value is not None and e.value is not None
        if judged({gi: (e.value, e.unit), bi: (b.value, b.unit)}) != _OFF:
            g_.explains = ()
    return localise._diagnosis(rel, best, rivals, {}, b.figure.ref, _BY_CAUSE, shown)


def _proposed_product(rel: Relation, tolerance: Tolerance) -> _Proposed:
    """:func:`_proposed_sum` for ``total = a × b``: the targets exact fractions, the verdicts
    those of :func:`fundaudit.judge.verdict_of` in Python integers."""
    total, (a, b) = rel.total, rel.parts
    figs = (total, a, b)
    written_as = [(f.value, f.unit) for f in figs]

    def judged(moves: dict[int, tuple[Written, Unit]]) -> int:
        now = list(written_as)
        for i, wu in moves.items():
            now[i] = wu
        return _product_verdict(now, tolerance)

    cands: list[_Cand] = []
    for i, f in enumerate(figs):  # unit_slip.propose: no 5 % filter for a product
        for unit in _siblings(f.unit):
            v = judged({i: (f.value, unit)})
            if v != _OFF:
                cands.append((i, f.value, unit, unit_slip.ID, "", v))
    # targets(rel), each in its figure's unit as a reduced fraction P/Q (no Fraction)
    fa, fb = _factor_pow(a), _factor_pow(b)
    ca, ea = a.value.coefficient, a.value.exponent + fa
    cb, eb = b.value.coefficient, b.value.exponent + fb
    ct, et = total.value.coefficient, total.value.exponent + total.unit.pow10
    wanted = [(0, _ratio(ca * cb, 1, ea + eb - total.unit.pow10))]
    if cb:
        wanted.append((1, _ratio(ct, cb, et - eb - fa)))
    if ca:
        wanted.append((2, _ratio(ct, ca, et - ea - fb)))
    units = [f.unit for f in figs]
    odd = [i for i, f in enumerate(figs) if units.count(f.unit) == 1]
    common = [u for u in units if units.count(u) > 1]
    if len(odd) == 1 and common and units[odd[0]] in (*_siblings(common[0]), common[0]):
        i, unit = odd[0], common[0]
        for j, (n, q) in wanted:
            if j == i:
                w = written_fraction(*_ratio(n, q, figs[i].unit.pow10 - unit.pow10), 4)
                if w is not None and w.coefficient > 0:
                    cands.append((i, w, unit, unit_slip.ID, "odd-unit", judged({i: (w, unit)})))
    for i, f in enumerate(figs):  # decimal_shift.propose: a necessary bound, then the verdict
        if f.value.coefficient == 0:
            continue
        may = product_shifts(rel, f)
        cands += _shifts(i, f, [k for k in decimal_shift.SHIFTS if may(k)], judged)
    for i, (n, q) in wanted:  # localise.residual
        f = figs[i]
        if n < 0 or (n == 0 and f.value.coefficient != 0):
            continue
        w = written_fraction(n, q, f.value.decimals + 4)
        cands += _residual(i, f, w, None, partial(_rounded_q, n, q), judged)
    return figs, cands, judged


def _product_verdict(now: Sequence[tuple[Written, Unit]], tolerance: Tolerance) -> int:
    """bulk's verdict code of ``total = a × b`` written as ``now`` (value and unit of each)."""
    (wt, ut), (wa, ua), (wb, ub) = now
    pa, pb = _pows(ua, ub, ut)
    if pa is None or pb is None:
        return _OFF  # the judge's error: does not hold
    ea, eb, et = wa.exponent + pa, wb.exponent + pb, wt.exponent + ut.pow10
    e = min(ea + eb - 2, et - 1)
    ca, cb = wa.coefficient, wb.coefficient
    diff = wt.coefficient * 10 ** (et - e) - ca * cb * 10 ** (ea + eb - e)
    has_a = _half(tolerance, wa.exponent, ua.pow10) is not None
    has_b = _half(tolerance, wb.exponent, ub.pow10) is not None
    tol = (
        (5 * abs(ca) * 10 ** (ea + eb - 1 - e) if has_b else 0)
        + (5 * abs(cb) * 10 ** (ea + eb - 1 - e) if has_a else 0)
        + (25 * 10 ** (ea + eb - 2 - e) if has_a and has_b else 0)
        + (5 * 10 ** (et - 1 - e) if _half(tolerance, wt.exponent, ut.pow10) is not None else 0)
    )
    return _MATCH if diff == 0 else _ROUNDING if abs(diff) <= tol else _OFF


_POWS: dict[tuple[Unit, Unit, Unit], tuple[int, int] | tuple[None, None]] = {}


def _pows(a: Unit, b: Unit, total: Unit) -> tuple[int, int] | tuple[None, None]:
    """:func:`fundaudit.judge._factor_pows`, once per three units."""
    got = _POWS.get((a, b, total))
    if got is None:
        got = _POWS[a, b, total] = _factor_pows(a, b, total)
    return got


def _factor_pow(f: Figure) -> int:
    """A factor's power of ten in the base unit (% is 10**-2), as the causes' targets take it."""
    return f.unit.pow10 - 2 if f.unit.dimension == "percent" else f.unit.pow10


def _ratio(num: int, den: int, m: int) -> tuple[int, int]:
    """``num / den × 10**m`` as a reduced fraction ``(P, Q)``, ``Q > 0``."""
    p, q = (num * 10**m, den) if m >= 0 else (num, den * 10**-m)
    if q < 0:
        p, q = -p, -q
    k = gcd(p, q)
    return p // k, q // k


def _rounded_q(p: int, q: int, exponent: int) -> Written:
    """:func:`fundaudit.causes._base.rounded` of ``p / q``."""
    return _near_digit(p, q, exponent, True)


def _cluster(
    rels: list[Relation], ds: list[tuple[int, int] | None], tolerance: Tolerance
) -> dict[str, Diagnosis] | None:
    """The localiser's diagnoses of failing relations that share figures with each other only,
    when its first round settles every one of them; ``None`` otherwise (and for a kind, or a
    pair of slips, this module does not propose).

    The round as :func:`fundaudit.causes.localise.diagnose` plays it: the candidates of every
    relation merged by figure and value, judged in every relation of the figure, ranked, then
    accepted best first, each judged again against the corrections accepted before it. A
    candidate that explains nothing is dropped: in a first round the localiser cannot carry it
    (no relation it sits in matches before any correction)."""
    if any(r.kind == "cumulative" for r in rels):
        return None
    proposed = []
    for rel, d in zip(rels, ds, strict=True):
        got = _proposed(rel, d, tolerance)
        if got is None:
            return None
        proposed.append(got)
    by_id = {r.id: r for r in rels}
    uses: dict[str, list[tuple[Relation, dict[str, int], _Judged]]] = {}
    for rel, (figs, _c, judged) in zip(rels, proposed, strict=True):
        at = {f.ref: i for i, f in enumerate(figs)}
        for f in figs:
            uses.setdefault(f.ref, []).append((rel, at, judged))

    def verdict(at: dict[str, int], judged: _Judged, world: dict[str, tuple[Written, Unit]]) -> int:
        return judged({at[ref]: wu for ref, wu in world.items() if ref in at})

    pool: dict[tuple[str, tuple[int, int]], tuple[Relation, Figure, _Cand]] = {}
    for rel, (figs, cands, _j) in zip(rels, proposed, strict=True):
        for cand in cands:
            i, w, unit = cand[0], cand[1], cand[2]
            f = figs[i]
            key = (f.ref, _norm(w.coefficient, w.exponent + unit.pow10))
            known = pool.get(key)
            if known is None or (len(str(abs(w.coefficient))), unit != f.unit) < (
                len(str(abs(known[2][1].coefficient))),
                known[2][2] != known[1].unit,
            ):
                pool[key] = (rel, f, cand)
    hyps: list[_Hyp] = []
    for rel, f, (_i, w, unit, cause, detail, v) in pool.values():
        # the proposing relation's verdict with this candidate is the one it was proposed with
        explains = tuple(
            sorted(
                r.id
                for r, at, judged in uses[f.ref]
                if (v if r is rel else judged({at[f.ref]: (w, unit)})) in (_MATCH, _ROUNDING)
            )
        )
        if not explains:  # dropped: in a first round nothing is carried
            continue
        h = _Hyp(Candidate(cause, rel.id, (Edit(f, w, unit),), detail), explains=explains)
        h.cause, changed = _cause_of([by_id[x] for x in explains] if explains != (rel.id,) else (rel,), f, w, unit)
        h.order = (
            -len(h.explains),
            _ORDER[h.cause],
            False,
            0 if any(by_id[x].total.ref == f.ref for x in h.explains) else 1,
            len(str(abs(w.coefficient)).rstrip("0")),
            changed,
            _key_text(f.ref, w, unit),
        )
        hyps.append(h)
    hyps.sort(key=lambda h: h.order)
    explaining: dict[str, list[_Hyp]] = {}
    for h in hyps:
        for rid in h.explains:
            explaining.setdefault(rid, []).append(h)
    subs: dict[str, tuple[Written, Unit]] = {}
    kept: set[str] = set()
    held: dict[str, bool] = {}
    assigned: dict[str, tuple[_Hyp, list[_Hyp]]] = {}
    fixed_by: dict[str, _Hyp] = {}
    accepted: list[_Hyp] = []
    for h in hyps:  # localise.diagnose's acceptance, with localise._evaluate's verdicts
        e = h.cand.edits[0]
        ref = e.figure.ref
        if ref in subs or ref in kept:
            continue
        assert e.value is not None
        world = {**subs, ref: (e.value, e.unit)}
        lenient = h.cause in LENIENT
        now: list[str] = []
        for r, at, judged in uses[ref]:
            before = held.get(r.id)
            if before is None:
                before = held[r.id] = verdict(at, judged, subs) != _OFF
            after = verdict(at, judged, world)
            if before and after == _OFF and not lenient:
                break
            if after in (_MATCH, _ROUNDING) and not before and r.id not in assigned:
                now.append(r.id)
        else:
            h.explains = tuple(sorted(now))
            if not now:
                continue
            for rid in h.explains:
                rivals = [g for g in explaining.get(rid, ()) if g is not h and rid in g.explains][:RIVALS]
                assigned[rid] = (h, rivals)
            h.group = len(accepted)
            accepted.append(h)
            if lenient:
                kept.add(ref)
                continue
            subs[ref] = (e.value, e.unit)
            fixed_by[ref] = h
            held.clear()
    for rel, (figs, _c, judged) in zip(rels, proposed, strict=True):  # localise._held_after
        if rel.id in assigned:
            continue
        mine = [fixed_by[f.ref] for f in figs if f.ref in fixed_by]
        at = {f.ref: i for i, f in enumerate(figs)}
        if mine and verdict(at, judged, subs) in (_MATCH, _ROUNDING):
            assigned[rel.id] = (mine[0], [])
    if len(assigned) != len(rels):
        return None  # a second round would be needed: the localiser's
    groups = localise._roots(rels, assigned, fixed_by, accepted)
    out = {}
    for rel, d in zip(rels, ds, strict=True):
        h, rivals = assigned[rel.id]
        head = accepted[groups[h.group]]
        root = localise._root_id(head)
        out[rel.id] = localise._diagnosis(rel, h, rivals, fixed_by, root, _BY_CAUSE, _shown(d, rel.total.unit))
    return out


def _cause_of(rels: Sequence[Relation], f: Figure, w: Written, unit: Unit) -> tuple[str, int]:
    """The cause :func:`fundaudit.causes.localise._classify` gives the correction of ``f`` to ``w``
    ``unit`` explaining ``rels``, and :func:`fundaudit.causes.localise._changed_digits` of it:
    the registry's classifiers in its order, over digit strings made once (the readings of
    :func:`fundaudit.causes._base.near_reading` computed once for rounding and truncation)."""
    old = f.value
    c, n = old.coefficient, w.coefficient
    e = min(old.exponent, w.exponent)
    a, b = str(abs(c) * 10 ** (old.exponent - e)), str(abs(n) * 10 ** (w.exponent - e))
    changed = abs(len(a) - len(b)) + sum(x != y for x, y in zip(a[::-1], b[::-1], strict=False))
    same_unit = unit == f.unit
    sig_equal = (str(abs(n)).rstrip("0") or "0") == (str(abs(c)).rstrip("0") or "0")
    if not same_unit:
        if sig_equal:
            return unit_slip.ID, changed
    else:
        if c != 0 and sig_equal and not same_value(old, w):
            return decimal_shift.ID, changed
        if len(a) == len(b) and a != b:
            at = [k for k in range(len(a)) if a[k] != b[k]]
            if len(at) == 2 and at[1] == at[0] + 1 and a[at[0]] == b[at[1]] and a[at[1]] == b[at[0]]:
                return transposition.ID, changed
    if c != 0 and n != 0:  # near_reading, for truncation and coarser-rounding
        p = precision(old, any(r.rule in RESTATED for r in rels))
        k = w.exponent + unit.pow10 - f.unit.pow10
        if k < p and p >= old.exponent:
            m = min(k, old.exponent)
            x = n * 10 ** (k - m)
            o = c * 10 ** (old.exponent - m)
            if abs(o - x) * NEAR.denominator <= NEAR.numerator * abs(x):
                up = _reading(x, m, p, True, old)
                if not up and _reading(x, m, p, False, old):
                    return truncation.ID, changed
                if up:
                    return coarser_rounding.ID, changed
    if same_unit and _one_digit_apart(a, b, changed):
        return digit_typo.ID, changed
    if any(r.total.ref == f.ref and r.kind in ("sum", "sum-le") and len(r.parts) > 1 for r in rels):
        return stale_total.ID, changed
    return unexplained.ID, changed


def _one_digit_apart(a: str, b: str, changed: int) -> bool:
    """:func:`fundaudit.causes.digit_typo.one_digit_apart` in one pass: of equal length, one digit
    differs (``changed`` counts them); else the longer without its first digit that differs from
    the shorter is the shorter (a digit dropped or doubled anywhere in a run of equal digits
    gives the same string)."""
    if len(a) == len(b):
        return changed == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(long) - len(short) != 1:
        return False
    i = next((k for k in range(len(short)) if long[k] != short[k]), len(short))
    return long[i + 1 :] == short[i:]


def _reading(x: int, m: int, p: int, up: bool, old: Written) -> bool:
    """``x × 10**m`` rounded (``up``) or cut to the digit 10**p is ``old`` (as near_reading says)."""
    got = _near_digit(x, 10**-m, p, up) if m < 0 else _near_digit(x * 10**m, 1, p, up)
    return bool(got.coefficient * 10 ** (got.exponent - old.exponent) == old.coefficient)


def _key_text(ref: str, w: Written, unit: Unit) -> str:
    """``repr`` of the localiser's :attr:`Candidate.key` of one figure's correction (its last tie-break)."""
    e = w.exponent + unit.pow10
    if e >= 0:
        num, den = w.coefficient * 10**e, 1
    else:
        den = 10**-e
        k = gcd(w.coefficient, den)
        num, den = w.coefficient // k, den // k
    return f"('', (({ref!r}, Fraction({num}, {den})),), (), '')"


_FACTORS: dict[Unit, tuple[tuple[str, int | str, int], ...]] = {}


def _factors(unit: Unit) -> tuple[tuple[str, int | str, int], ...]:
    """:func:`fundaudit.causes.localise._factors` of a figure in ``unit``, once per unit."""
    got = _FACTORS.get(unit)
    if got is None:
        got = _FACTORS[unit] = (
            *(("shift", k, k) for k in localise.SHIFTS),
            *(("unit", u.text, u.pow10 - unit.pow10) for u in _siblings(unit)),
        )
    return got


def _pairs(rel: Relation, d: tuple[int, int] | None) -> bool:
    """Whether :func:`fundaudit.causes.localise.pairs` might propose something for ``rel``
    (two slips whose effects add up to the difference; the verdict is not asked)."""
    if rel.kind != "sum" or not rel.rule.startswith("table-") or d is None or d[0] == 0:
        return False
    if len(rel.parts) > PAIR_PARTS:
        return False
    figs = [f for f in (rel.total, *rel.parts) if f.value.coefficient != 0]
    slips = [(fig, _factors(fig.unit)) for fig in figs]
    g = min((f.value.exponent + f.unit.pow10 + min(0, *(k for _k, _h, k in fs)) for f, fs in slips), default=0)
    if d[1] < g:
        return True  # never (the difference is on the figures' grid): the localiser's then
    rest = -d[0] * 10 ** (d[1] - g)  # what the two slips must add up to, on the grid 10**g
    seen: dict[tuple[str, int], list[str]] = {}
    for fig, factors in slips:
        e = fig.value.exponent + fig.unit.pow10 - g
        base = fig.value.coefficient * (1 if fig is rel.total else -1)
        for kind, _how, k in factors:
            effect = base * (10 ** (e + k) - 10**e)
            if any(ref != fig.ref for ref in seen.get((kind, rest - effect), ())):
                return True
            seen.setdefault((kind, effect), []).append(fig.ref)
    return False
