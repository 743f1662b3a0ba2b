"""Two slips together, screened as arrays: :func:`fundaudit.causes.bulk._pairs` of many table sums at once.

The localiser looks for two slips of one kind (a point moved, a unit misread) on two figures of a
table sum whose effects add up to its difference (:func:`fundaudit.causes.localise.pairs`);
:func:`fundaudit.causes.bulk._pairs` asks whether such a pair might exist before a sum is settled
without the localiser. Asked one sum at a time in Python integers, it cost more than settling
the sum. Here every effect of every figure of every sum is reduced modulo a prime below 2**31
(numpy ``int64``: a product of two residues stays below 2**62) and a sum is *flagged* when
some effect's residue and another's add up to the difference's: a pair of exact effects adding up
to the difference always does, so a sum not flagged has none. Every flagged sum is asked again
exactly (:func:`fundaudit.causes.bulk._pairs`): the answer is exact, never a residue's. No float
is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fundaudit.causes import bulk
from fundaudit.causes.localise import PAIR_PARTS
from fundaudit.findings import Relation
from fundaudit.units import Unit

Array = np.ndarray[Any, Any]
PRIME = 2**31 - 1
TOP = 4096  # the widest grid (digits between a sum's finest and coarsest figure) screened here


def paired(rels: Sequence[Relation], diffs: Sequence[tuple[int, int] | None]) -> list[bool]:
    """:func:`fundaudit.causes.bulk._pairs` of each relation and its difference (bulk._diff_key)."""
    out = [False] * len(rels)
    asked: list[int] = []  # the relations screened here
    rows: list[tuple[int, int, int, Unit]] = []  # relation (index into asked), residue of ±coefficient, exponent, unit
    for k, (rel, d) in enumerate(zip(rels, diffs, strict=True)):
        if rel.kind != "sum" or not rel.rule.startswith("table-") or d is None or d[0] == 0:
            continue
        if len(rel.parts) > PAIR_PARTS:
            continue
        total = rel.total
        if any(f is total for f in rel.parts) or len({f.ref for f in (total, *rel.parts)}) != 1 + len(rel.parts):
            out[k] = bulk._pairs(rel, d)  # a figure twice: bulk's own answer
            continue
        j = len(asked)
        asked.append(k)
        for f in (total, *rel.parts):
            c = f.value.coefficient
            if c != 0:
                rows.append((j, (c if f is total else -c) % PRIME, f.value.exponent + f.unit.pow10, f.unit))
    if not asked:
        return out
    units: dict[Unit, int] = {}
    for _j, _c, _e, unit in rows:
        units.setdefault(unit, len(units))
    factors = [bulk._factors(unit) for unit in units]  # (kind, how, k): a point moved, a unit misread
    low = np.array([min(0, *(k for _kind, _how, k in fs)) for fs in factors], dtype=np.int64)
    rel_of = np.array([r[0] for r in rows], dtype=np.int64)
    cm = np.array([r[1] for r in rows], dtype=np.int64)
    e = np.array([r[2] for r in rows], dtype=np.int64)
    code = np.array([units[r[3]] for r in rows], dtype=np.int64)
    n = len(asked)
    g = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(g, rel_of, e + low[code])
    gl = g.tolist()
    rest = np.zeros(n, dtype=np.int64)
    for j, k in enumerate(asked):
        d = diffs[k]
        assert d is not None
        if gl[j] == np.iinfo(np.int64).max:  # every figure 0: no slip to pair
            gl[j] = 0
        if d[1] < gl[j]:
            out[k] = True  # never (the difference is on the figures' grid): bulk's answer
            continue
        rest[j] = (-d[0] * pow(10, d[1] - gl[j], PRIME)) % PRIME
    # each figure's effect under each of its unit's factors: ±c × (10**(e + k) − 10**e) on the grid 10**g
    per = np.array([len(fs) for fs in factors], dtype=np.int64)[code]
    at = np.repeat(np.arange(len(rows)), per)
    first = np.zeros(len(units) + 1, dtype=np.int64)
    np.cumsum([len(fs) for fs in factors], out=first[1:])
    flat_k = np.array([k for fs in factors for _kind, _how, k in fs], dtype=np.int64)
    flat_kind = np.array([0 if kind == "shift" else 1 for fs in factors for kind, _how, _k in fs], dtype=np.int64)
    which = first[code[at]] + (np.arange(len(at)) - np.repeat(np.cumsum(per) - per, per))
    ks, kinds = flat_k[which], flat_kind[which]
    ex = e[at] - np.array(gl, dtype=np.int64)[rel_of[at]]  # >= -k: the grid takes every factor
    top = int(ex.max() + max(0, int(flat_k.max()))) if len(ex) else 0
    if top > TOP:  # figures hundreds of digits apart: bulk's own answers
        for k in asked:
            if not out[k]:
                out[k] = bulk._pairs(rels[k], diffs[k])
        return out
    p10 = np.array([pow(10, x, PRIME) for x in range(top + 1)], dtype=np.int64)
    h = (cm[at] * ((p10[ex + ks] - p10[ex]) % PRIME)) % PRIME
    group = rel_of[at] * 2 + kinds
    keys = np.sort(group * PRIME + h)
    want = group * PRIME + (rest[rel_of[at]] - h) % PRIME
    hit = np.searchsorted(keys, want, side="right") > np.searchsorted(keys, want, side="left")
    flagged = np.zeros(n, dtype=bool)
    flagged[rel_of[at][hit]] = True
    for j in np.flatnonzero(flagged).tolist():  # asked again exactly
        k = asked[j]
        if not out[k]:
            out[k] = bulk._pairs(rels[k], diffs[k])
    return out
