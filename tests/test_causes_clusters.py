"""Clusters settled as arrays (fundaudit.causes.bulk_clusters) get bulk._cluster's diagnoses, word for word.

Differential: invented tables (cells, row totals, column totals, a grand total; mixed units and
decimals, values past the arrays' reach, one or two slips of the kinds the causes know) give
clusters of failing sums joined by shared figures; each is settled by bulk._cluster one at a
time and by :func:`fundaudit.causes.bulk_clusters.settle_clusters` all at once, and the two must
agree on every cluster the arrays keep (those they send back are bulk._cluster's anyway). The
localiser's own answer for the same sets is held by tests/test_causes_bulk.py, which runs the
arrays too.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundaudit.causes import bulk
from fundaudit.causes.bulk_clusters import settle_clusters
from fundaudit.findings import Relation
from fundaudit.i18n import using
from fundaudit.model import Figure, Loc
from fundaudit.numbers import Written
from fundaudit.tolerance import DEFAULT, Policy, Tolerance
from fundaudit.units import parse_unit
from tests.test_causes_bulk import MONEY, _failing, _plain
from tests.test_causes_bulk import _slip as _one_slip


def _figure(ref: str, c: int, e: int, unit: str, line: int) -> Figure:
    return Figure(f"d::{ref}", ref, Written(c, e), parse_unit(unit), Loc("s.txt", line), Loc("d.yaml", line))


def _slip(draw: st.DrawFn, f: Figure) -> Figure:
    """``f`` with one slip of the kinds the causes know (test_causes_bulk's), or a total left
    stale by an amount of round digits."""
    if draw(st.integers(0, 9)) == 0:
        c = f.value.coefficient + 1234 * 10 ** draw(st.integers(0, 3))
        return Figure(f.ref, f.label, Written(c, f.value.exponent), f.unit, f.source, f.yaml)
    return _one_slip(draw, f)


def _total(ref: str, parts: list[Figure], unit: str, line: int) -> Figure:
    """A figure in ``unit`` that the ``parts`` add up to exactly."""
    g = min(p.value.exponent + p.unit.pow10 for p in parts)
    s = sum(p.value.coefficient * 10 ** (p.value.exponent + p.unit.pow10 - g) for p in parts)
    e = g - parse_unit(unit).pow10
    return _figure(ref, s, e, unit, line) if e <= 0 else _figure(ref, s * 10**e, 0, unit, line)


@st.composite
def tables(draw: st.DrawFn) -> list[Relation]:
    """Tables of cells with row totals (cross-foot), column totals (column-foot) and a grand total
    of the row totals (foot), one to three slips among their figures; now and then a sum at most."""
    out: list[Relation] = []
    for t in range(draw(st.integers(1, 3))):
        unit = draw(st.sampled_from(MONEY))
        rows, cols = draw(st.integers(1, 4)), draw(st.integers(1, 3))
        big = draw(st.integers(0, 10)) == 0
        cells = [
            [
                _figure(
                    f"t{t}r{i}c{j}",
                    draw(st.integers(0, 10**20) if big else st.integers(0, 10**8) | st.sampled_from([0, 1, 10, 99995])),
                    draw(st.integers(-4, 0) | st.just(-2)),
                    draw(st.sampled_from((unit, unit, unit, *MONEY))),
                    10 * t + i,
                )
                for j in range(cols)
            ]
            for i in range(rows)
        ]
        row_totals = [_total(f"t{t}r{i}", cells[i], unit, 10 * t + i) for i in range(rows)]
        col_totals = [_total(f"t{t}c{j}", [cells[i][j] for i in range(rows)], unit, 10 * t + 9) for j in range(cols)]
        grand = _total(f"t{t}", row_totals, unit, 10 * t + 9)
        everything = {f.ref: f for f in (*[c for row in cells for c in row], *row_totals, *col_totals, grand)}
        for _ in range(draw(st.integers(1, 3))):
            ref = draw(st.sampled_from(sorted(everything)))
            everything[ref] = _slip(draw, everything[ref])

        def now(f: Figure, everything: dict[str, Figure] = everything) -> Figure:
            return everything[f.ref]

        def kind() -> str:
            return "sum-le" if draw(st.integers(0, 8)) == 0 else "sum"

        rule = draw(st.sampled_from(["cross-foot", "table-foot", "repeat"]))
        for i in range(rows):
            out.append(
                Relation(f"t{t}#r{i}", rule, kind(), now(row_totals[i]), tuple(map(now, cells[i])), "s", "w", "d", "p")
            )
        for j in range(cols):
            parts = tuple(now(cells[i][j]) for i in range(rows))
            out.append(Relation(f"t{t}#c{j}", "column-foot", kind(), now(col_totals[j]), parts, "s", "w", "d", "p"))
        if rows > 1:
            out.append(
                Relation(f"t{t}#foot", "foot", kind(), now(grand), tuple(map(now, row_totals)), "s", "w", "d", "p")
            )
    return out


def _clusters(failing: list[Relation]) -> tuple[list[list[Relation]], list[list[tuple[int, int] | None]]]:
    """The clusters of ``failing`` that bulk.settle_screened gives bulk._cluster (and the arrays)."""
    diffs, ok = bulk.screened(failing)
    rels, ds = [], []
    for cluster in bulk._clusters(failing):
        if len(cluster) > 1 and all(ok[k] for k in cluster) and all(failing[k].kind != "cumulative" for k in cluster):
            rels.append([failing[k] for k in cluster])
            ds.append([diffs[k] for k in cluster])
    return rels, ds


def _both(relations: list[Relation], tolerance: Tolerance) -> tuple[int, int]:
    """Each cluster settled both ways, equal where the arrays keep it; (clusters, kept)."""
    clusters, ds = _clusters(_failing(relations, tolerance))
    with using("en"):
        got, back = settle_clusters(clusters, ds, tolerance)
        for k, (rels, d) in enumerate(zip(clusters, ds, strict=True)):
            if k in back:
                continue
            expected = bulk._cluster(rels, d, tolerance) or {}
            mine = {r.id: got[r.id] for r in rels if r.id in got}
            assert _plain(mine) == _plain(expected), (k, [r.id for r in rels])
    assert set(got) <= {r.id for k, rels in enumerate(clusters) if k not in back for r in rels}
    return len(clusters), len(clusters) - len(back)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from([Policy.DIGITS, Policy.DIGITS_ALL, Policy.EXACT]))
def test_clusters_settle_as_bulk_settles_them_one_at_a_time(relations: list[Relation], policy: Policy) -> None:
    _both(relations, Tolerance(policy))


def test_the_arrays_keep_most_invented_clusters() -> None:
    """The differential test is not vacuous: the arrays (not bulk._cluster, to which they send what
    they cannot settle) keep most clusters it invents, and settle many of them."""
    seen = kept = settled = 0

    @settings(
        max_examples=150, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(tables())
    def count(relations: list[Relation]) -> None:
        nonlocal seen, kept, settled
        n, k = _both(relations, DEFAULT)
        seen += n
        kept += k
        clusters, ds = _clusters(_failing(relations, DEFAULT))
        with using("en"):
            settled += len(settle_clusters(clusters, ds, DEFAULT)[0])

    count()
    assert seen > 60 and kept > seen // 2 and settled > seen // 2, (seen, kept, settled)


# ---------------------------------------------------------------- two slips together, as arrays


@st.composite
def table_sums(draw: st.DrawFn) -> list[Relation]:
    """Table sums with two slips of one kind (a point moved, a unit misread) on two figures, or
    other slips, or none; now and then a figure past int64, a 0, a figure held twice."""
    out: list[Relation] = []
    for n in range(draw(st.integers(1, 8))):
        unit = draw(st.sampled_from(MONEY))
        parts = [
            _figure(
                f"s{n}p{k}",
                draw(st.integers(0, 10**25) if draw(st.integers(0, 12)) == 0 else st.integers(0, 10**7)),
                draw(st.integers(-6, 0)),
                draw(st.sampled_from((unit, unit, *MONEY))),
                k,
            )
            for k in range(draw(st.integers(1, 5)))
        ]
        figs = [_total(f"s{n}", parts, unit, 9), *parts]
        how = draw(st.sampled_from(["shift", "unit", "other", "none"]))
        for i in draw(st.lists(st.integers(0, len(figs) - 1), min_size=1, max_size=2, unique=True)):
            f = figs[i]
            if how == "shift":
                f = Figure(
                    f.ref,
                    f.label,
                    Written(f.value.coefficient, f.value.exponent + draw(st.sampled_from([-2, -1, 1, 3]))),
                    f.unit,
                    f.source,
                    f.yaml,
                )
            elif how == "unit":
                f = Figure(f.ref, f.label, f.value, parse_unit(draw(st.sampled_from(MONEY))), f.source, f.yaml)
            elif how == "other":
                f = _slip(draw, f)
            figs[i] = f
        if draw(st.integers(0, 15)) == 0:
            figs.append(figs[1])  # a figure twice
        rule = draw(st.sampled_from(["table-foot", "table-foot", "table-total", "foot"]))
        out.append(
            Relation(
                f"s{n}",
                rule,
                draw(st.sampled_from(["sum", "sum", "sum-le"])),
                figs[0],
                tuple(figs[1:]),
                "s",
                "w",
                "d",
                "p",
            )
        )
    return out


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_sums())
def test_two_slips_together_screened_as_arrays_as_bulk_asks_one_at_a_time(relations: list[Relation]) -> None:
    from fundaudit.causes.bulk_pairs import paired

    diffs = [bulk._diff_key(rel) for rel in relations]
    expected = [bulk._pairs(rel, d) for rel, d in zip(relations, diffs, strict=True)]
    assert paired(relations, diffs) == expected


def test_two_slips_together_are_found_often_enough_to_say_something() -> None:
    """The differential test above is not vacuous: many of its sums have two slips together.
    Counted on examples of its own, the same every run (it counted the test's random ones, and
    fell short of its bound now and then)."""
    counted = [0, 0]  # sums asked, sums with two slips together

    @settings(
        max_examples=250, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(table_sums())
    def count(relations: list[Relation]) -> None:
        diffs = [bulk._diff_key(rel) for rel in relations]
        expected = [bulk._pairs(rel, d) for rel, d in zip(relations, diffs, strict=True)]
        counted[0] += len(expected)
        counted[1] += sum(expected)

    count()
    assert counted[0] > 200 and counted[1] > counted[0] // 10, counted


def test_figures_thousands_of_digits_apart_are_asked_exactly() -> None:
    """A careless table: one cell written with five thousand decimals. The residues' grid would be
    too wide; bulk's own exact answers are given, the same as one at a time."""
    from fundaudit.causes.bulk_pairs import paired

    tiny = _figure("p0", 1, -5000, "元", 1)
    parts = [tiny, _figure("p1", 12345, -2, "万元", 2), _figure("p2", 50, 0, "亿元", 3)]
    total = _total("t", parts, "万元", 9)
    shifted = Figure(parts[1].ref, "p1", Written(12345, -3), parts[1].unit, parts[1].source, parts[1].yaml)
    rels = [
        Relation("a", "table-foot", "sum", total, (tiny, shifted, parts[2]), "s", "w", "d", "p"),
        Relation("b", "table-foot", "sum", total, (tiny, parts[1], parts[2]), "s", "w", "d", "p"),
    ]
    diffs = [bulk._diff_key(rel) for rel in rels]
    assert paired(rels, diffs) == [bulk._pairs(rel, d) for rel, d in zip(rels, diffs, strict=True)]


def test_a_cluster_past_the_arrays_reach_is_sent_back() -> None:
    """A cluster with a cell past int64 and one thousands of digits finer than the others goes back
    to bulk._cluster whole; a plain one next to it is settled here, as bulk._cluster settles it."""
    clusters, ds = [], []
    for n, (c, e) in enumerate([(10**30, 0), (1, -3000), (1234, -2)]):
        cell = _figure(f"x{n}", c, e, "元", 1)
        other = _figure(f"y{n}", 500, 0, "元", 2)
        row = _total(f"r{n}", [cell, other], "元", 1)
        col = _total(f"c{n}", [cell], "元", 3)
        slipped = Figure(
            cell.ref, cell.label, Written(cell.value.coefficient + 7, e), cell.unit, cell.source, cell.yaml
        )
        rels = [
            Relation(f"r{n}", "cross-foot", "sum", row, (slipped, other), "s", "w", "d", "p"),
            Relation(f"c{n}", "column-foot", "sum", col, (slipped,), "s", "w", "d", "p"),
        ]
        clusters.append(rels)
        ds.append([bulk._diff_key(rel) for rel in rels])
    with using("en"):
        got, back = settle_clusters(clusters, ds, DEFAULT)
        assert back == [0, 1]
        expected = bulk._cluster(clusters[2], ds[2], DEFAULT)
    assert expected is not None and _plain(got) == _plain(expected)
