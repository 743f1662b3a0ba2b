"""The vectorized engine gives every relation the verdict of the reference, one by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fundaudit.columnar.arrays import Columns, from_relations
from fundaudit.columnar.numpy_engine import VERDICTS, uses_shared_grid, verdicts
from fundaudit.findings import Relation, Verdict
from fundaudit.judge import explain, verdict
from fundaudit.model import Budget, Figure, Loc
from fundaudit.numbers import Written
from fundaudit.report import jsonout
from fundaudit.runner import RelationList, run
from fundaudit.tolerance import Policy, Tolerance
from fundaudit.units import parse_unit

UNITS = ["元", "万元", "亿元", "人", "万人", "%", "万元/人", "人"]
SMALL_UNITS = ["元", "万元", "人", "万人", "%"]
_counter = iter(range(10**9))


@st.composite
def figures(draw: st.DrawFn, unit: str | None = None, near: Figure | None = None, small: bool = False) -> Figure:
    """A figure; ``near`` draws one close to another (so sums often match or round)."""
    u = parse_unit(unit or draw(st.sampled_from(SMALL_UNITS if small else UNITS)))
    big = not small and draw(st.booleans())
    coefficient = draw(st.integers(0, 10**30 if big else 10**6 if small else 10**7))
    exponent = draw(st.integers(-2 if small else -4, 2))
    n = next(_counter)
    return Figure(f"t::p:f{n}", f"f{n}", Written(coefficient, exponent), u, Loc("s.txt", 1 + n % 50), Loc("d.yaml", 1))


@st.composite
def relations(draw: st.DrawFn, small: bool = False) -> Relation:
    kind = draw(st.sampled_from(["sum", "sum", "sum-le", "cumulative", "product"]))
    unit = draw(st.sampled_from(["万元", "元", "人", None] if small else ["万元", "亿元", "元", "人", None]))
    n = draw(st.integers(1 if kind != "product" else 2, 6 if kind != "product" else 2))
    parts = [draw(figures(unit, small=small)) for _ in range(n)]
    if kind == "cumulative" and draw(st.booleans()):
        parts.sort(key=lambda f: f.value.to_decimal() * 10**f.unit.pow10)
    if kind in ("sum", "sum-le") and draw(st.booleans()):
        # a total equal to the sum of the parts as written, in the unit of the first part, perturbed
        first = parts[0]
        total_exp = min(p.value.exponent + p.unit.pow10 for p in parts) - first.unit.pow10
        coef = sum(
            p.value.coefficient * 10 ** (p.value.exponent + p.unit.pow10 - first.unit.pow10 - total_exp) for p in parts
        )
        coef += draw(st.integers(-3, 3))
        total = Figure(
            f"t::p:total{next(_counter)}",
            "total",
            Written(max(coef, 0), total_exp),
            first.unit,
            Loc("s.txt", 1),
            Loc("d.yaml", 1),
        )
    else:
        total = draw(figures(unit, small=small))
    missing = ("x",) if draw(st.integers(0, 9)) == 0 else ()
    empty = ("y",) if draw(st.integers(0, 5)) == 0 else ()
    return Relation(
        f"r{next(_counter)}", "foot", kind, total, tuple(parts), "s", "w", "t", "p", missing=missing, empty=empty
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(relations(), min_size=1, max_size=12), st.sampled_from(list(Policy)))
def test_vectorized_verdicts_equal_the_reference(rels: list[Relation], policy: Policy) -> None:
    tolerance = Tolerance(policy)
    cols = from_relations("d.yaml", 1, [], rels)
    codes = verdicts(cols, tolerance)
    assert [VERDICTS[c] for c in codes] == [explain(r, tolerance).verdict for r in rels]


@settings(max_examples=500, deadline=None)
@given(relations(), st.sampled_from(list(Policy)))
def test_the_verdict_alone_equals_the_worded_one(rel: Relation, policy: Policy) -> None:
    """engine.verdict (small audits, no wording) gives the verdict explain words."""
    tolerance = Tolerance(policy)
    assert verdict(rel, tolerance) == explain(rel, tolerance).verdict


@settings(max_examples=300, deadline=None)
@given(st.lists(relations(small=True), min_size=1, max_size=12), st.sampled_from(list(Policy)))
def test_shared_grid_verdicts_equal_the_reference(rels: list[Relation], policy: Policy) -> None:
    """Figures small enough for one grid per dimension: the fast path, checked against the reference."""
    tolerance = Tolerance(policy)
    cols = from_relations("d.yaml", 1, [], rels)
    assert uses_shared_grid(cols, tolerance)
    codes = verdicts(cols, tolerance)
    assert [VERDICTS[c] for c in codes] == [explain(r, tolerance).verdict for r in rels]


def test_real_data_verdicts_equal_the_reference(real_budget: Budget) -> None:
    audit = run(real_budget, engine=verdicts)
    assert isinstance(audit.columns, Columns)
    reference = [explain(audit.columns.relation(i), audit.tolerance).verdict for i in range(len(audit.codes))]
    assert [VERDICTS[c] for c in audit.codes] == reference
    assert reference.count(Verdict.MISMATCH) > 0  # the real data has slips: this test can fail


def test_beyond_int64_stays_exact() -> None:
    huge = 10**40
    f = [
        Figure(f"t::p:{k}", k, Written(v, 0), parse_unit("元"), Loc("s.txt", 1), Loc("d.yaml", 1))
        for k, v in (("t", 2 * huge + 1), ("a", huge), ("b", huge + 1), ("c", huge))
    ]
    ok = Relation("ok", "foot", "sum", f[0], (f[1], f[2]), "s", "w", "t", "p")
    off = Relation("off", "foot", "sum", f[0], (f[1], f[3]), "s", "w", "t", "p")
    codes = verdicts(from_relations("d.yaml", 1, f, [ok, off]), Tolerance())
    assert [VERDICTS[c] for c in codes] == [Verdict.MATCH, Verdict.MISMATCH]


def test_small_audits_judged_in_python_equal_the_batch_engine(real_budget: Budget) -> None:
    """Below SMALL relations the runner words every relation with the reference, without numpy."""
    exact, batch = run(real_budget), run(real_budget, engine=verdicts)
    assert isinstance(exact.columns, RelationList)
    assert isinstance(batch.columns, Columns)
    assert exact.summary() == batch.summary()
    assert jsonout.render(exact, True) == jsonout.render(batch, True)  # figures and all
    assert [f.id for f in exact.shown(False)] == [f.id for f in batch.shown(False)]
    assert exact.summary()["mismatch"] > 0


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=8), min_size=1, max_size=20),
    st.sampled_from([3, 70]),
)
def test_mixed_dimensions_by_one_segment_sum(segments: list[list[int]], top: int) -> None:
    """The weighted-sum test of mixed dimensions (and its min/max fallback for many dimensions)
    agrees with comparing every part's dimension with its total's."""
    import numpy as np

    from fundaudit.columnar.numpy_engine import _mixed

    key_dim = np.array([0, 1, 2, top], dtype=np.int64)  # dimension code of each figure key
    # figure k has key k % 4; relation i: total = first figure of its segment, parts = the rest
    totals, parts, starts, lens, expected = [], [], [], [], []
    for seg in segments:
        totals.append(seg[0])
        starts.append(len(parts))
        rest = seg[1:] or [seg[0]]
        parts.extend(rest)
        lens.append(len(rest))
        expected.append(any(key_dim[p] != key_dim[seg[0]] for p in rest))
    key = np.arange(4, dtype=np.int64)
    got = _mixed(key, key_dim, np.array(parts), np.array(starts), np.array(totals), np.array(lens))
    assert got.tolist() == expected
