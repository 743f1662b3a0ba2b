"""A wide sum judged again with a few of its figures corrected, in time of the corrections alone.

The localiser judges every candidate correction against each relation its figure is in. For a
sum of ``n`` parts that costs ``O(n)`` per candidate, and a failing table column of ``n`` rows
proposes ``O(n)`` candidates: ``O(n²)`` (a 合计 of 4,000 rows took 38 s). :class:`WideSum`
keeps the sum's terms on its grid once per state of the accepted corrections, and answers a
candidate from the figures it changes.

The verdict of a sum does not depend on the grid the terms are scaled to (the difference and
the allowance scale alike, and the verdict compares them), so a corrected figure with a finer
last digit only scales the kept terms to its grid. The answer is :func:`judge.verdict_of`'s
(tests/test_causes_wide.py holds them equal); a correction that changes the total's dimension
is left to it.
"""

from __future__ import annotations

from collections.abc import Mapping

from fundaudit.findings import Relation, Verdict
from fundaudit.judge import sum_verdict
from fundaudit.model import Figure
from fundaudit.tolerance import Tolerance

WIDE = 16  # parts from which a sum is judged again this way (a narrower one: verdict_of)


def _term(f: Figure, tolerance: Tolerance) -> tuple[int, int, int | None]:
    """A figure's coefficient, base-unit exponent and half-unit exponent (``judge.Term``)."""
    return f.value.coefficient, f.value.exponent + f.unit.pow10, tolerance.half_unit_exponent(f)


class WideSum:
    """A sum or sum-le relation with the corrections ``subs`` applied, kept on its grid."""

    __slots__ = ("_at", "_bad", "_dim", "_figs", "_g", "_parts", "_tol", "_tolerance", "_total", "rel")

    def __init__(self, rel: Relation, subs: Mapping[str, Figure], tolerance: Tolerance) -> None:
        self.rel, self._tolerance = rel, tolerance
        self._figs = [subs.get(f.ref, f) for f in (rel.total, *rel.parts)]  # position 0: the total
        self._at: dict[str, list[int]] = {}
        for i, f in enumerate((rel.total, *rel.parts)):
            self._at.setdefault(f.ref, []).append(i)
        terms = [_term(f, tolerance) for f in self._figs]
        g = self._g = min(e for _c, e, _h in terms) - 1
        self._total = terms[0][0] * 10 ** (terms[0][1] - g)
        self._parts = sum(c * 10 ** (e - g) for c, e, _h in terms[1:])
        self._tol = sum(5 * 10 ** (h - g) for _c, _e, h in terms if h is not None)
        self._dim = self._figs[0].unit.dimension
        self._bad = sum(f.unit.dimension != self._dim for f in self._figs[1:])

    @staticmethod
    def fits(rel: Relation) -> bool:
        """Whether ``rel`` is a sum wide enough to be judged again this way."""
        return rel.kind in ("sum", "sum-le") and len(rel.parts) >= WIDE

    def verdict(self, mine: Mapping[str, Figure]) -> Verdict | None:
        """The verdict with the figures of ``mine`` (ref → corrected figure) in place; ``None``
        when the correction changes the total's dimension (then judge it in full)."""
        rel = self.rel
        if rel.missing:
            return Verdict.INCOMPLETE
        changes = [(i, new) for ref, new in mine.items() for i in self._at.get(ref, ())]
        if any(i == 0 and new.unit.dimension != self._dim for i, new in changes):
            return None
        tolerance = self._tolerance
        new_terms = [(i, _term(new, tolerance), new) for i, new in changes]
        g = min([self._g, *(e - 1 for _i, (_c, e, _h), _f in new_terms)])
        k = 10 ** (self._g - g)
        total, parts, tol, bad = self._total * k, self._parts * k, self._tol * k, self._bad
        for i, (c, e, h), new in new_terms:
            old = self._figs[i]
            oc, oe, oh = _term(old, tolerance)
            change = c * 10 ** (e - g) - oc * 10 ** (oe - g)
            if i == 0:
                total += change
            else:
                parts += change
                bad += (new.unit.dimension != self._dim) - (old.unit.dimension != self._dim)
            tol += (0 if h is None else 5 * 10 ** (h - g)) - (0 if oh is None else 5 * 10 ** (oh - g))
        if bad:
            return Verdict.ERROR
        return sum_verdict(rel.kind, bool(rel.empty), rel.revision, total - parts, tol)
