"""Ties settled as arrays (fundaudit.causes.bulk_arrays._finish) are broken as bulk breaks them, word for word.

Differential: sums whose parts are equal (so that several candidates share every ranking key
but the last, the candidate's text), with refs named so that their order is not the order of
the figures (quotes, accents, prefixes of each other), are settled by the arrays and by bulk's
Python one at a time (:func:`test_causes_bulk._settled_both`), and the two must be equal. A
second test asserts that the arrays settle most of them themselves.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundaudit.findings import Relation
from fundaudit.model import Figure, Loc
from fundaudit.numbers import Written
from fundaudit.tolerance import Policy, Tolerance
from fundaudit.units import parse_unit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_causes_bulk import _settled_both

NAMES = ("b", "a", "a1", "a12", "'q", '"q', "é", "z", "b'1", "A")


@st.composite
def tied_sums(draw: st.DrawFn) -> list[Relation]:
    """Sums of equal parts (some written with another number of decimals), the total off."""
    out: list[Relation] = []
    for n in range(draw(st.integers(1, 8))):
        unit = parse_unit(draw(st.sampled_from(["元", "万元"])))
        value = draw(st.integers(1, 10**6) | st.sampled_from([10, 500, 12000]))
        e = draw(st.integers(-2, 0))
        names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=5, unique=True))
        parts = []
        for k, name in enumerate(names):
            line = draw(st.integers(1, 9))
            extra = draw(st.integers(0, 8)) == 0  # one more decimal: the same value, another key
            w = Written(value * 10, e - 1) if extra else Written(value, e)
            parts.append(Figure(f"d::{name}{n}", f"p{k}", w, unit, Loc("s.txt", line), Loc("d.yaml", line)))
        total = value * len(parts) + draw(st.sampled_from([1, 10, 100, 7, value, -1]))
        t = Figure(f"d::t{n}", "t", Written(max(total, 0), e), unit, Loc("s.txt", 10), Loc("d.yaml", 10))
        kind = draw(st.sampled_from(["sum", "sum", "sum-le"]))
        out.append(Relation(f"r{n}", "foot", kind, t, tuple(parts), "s", "w", "d", "p"))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tied_sums(), st.sampled_from([Policy.DIGITS, Policy.DIGITS_ALL, Policy.EXACT]))
def test_ties_are_broken_as_bulk_breaks_them(relations: list[Relation], policy: Policy) -> None:
    fast, slow, _n = _settled_both(relations, Tolerance(policy))
    assert fast == slow


def test_the_arrays_settle_the_tied_sums_themselves() -> None:
    """Not vacuous: bulk settles a good share of these relations with the arrays at work (over a
    quarter; derandomized, since the share varies from run to run: it was once asserted as 150 of
    about 470 and failed with 108), and leaving out the refs' ranks from the arrays' tie-break
    makes the test above fail."""
    seen = [0, 0]  # settled by the arrays, relations

    @settings(
        max_examples=100, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(tied_sums())
    def count(relations: list[Relation]) -> None:
        seen[0] += _settled_both(relations, Tolerance(Policy.DIGITS))[2]
        seen[1] += len(relations)

    count()
    assert seen[0] > seen[1] / 4, seen  # 164 of 469 with this hypothesis (derandomized)
