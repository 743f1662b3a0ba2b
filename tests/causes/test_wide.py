"""A wide sum judged again from its kept terms (causes/wide.py) = the judge in full; and the
localiser stays linear in a table column's rows (a 合计 of thousands of rows)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import fundaudit.causes.localise as localise
from fundaudit.causes.wide import WIDE, WideSum
from fundaudit.judge import verdict_of
from fundaudit.model import Figure
from fundaudit.tolerance import Policy, Tolerance
from tests.causes.helpers import diagnoses, fig, rel

MONEY = ("万元", "元", "亿元", "万元")  # two spellings of one unit among them


@st.composite
def _figure(draw: st.DrawFn, ref: str, places: int, length: bool) -> Figure:
    digits = draw(st.integers(0, 10**9))
    k = draw(st.integers(0, places))
    text = str(digits) if not k else f"{digits // 10**k}.{digits % 10**k:0{k}d}"
    unit = draw(st.sampled_from((*MONEY, "公里") if length else MONEY))
    return fig(ref, f"{text} {unit}", draw(st.integers(1, 99)))


@st.composite
def _case(draw: st.DrawFn) -> tuple[object, ...]:
    """A wide sum of coarse figures (so that a correction is often finer than all of them),
    now and then a length among them; corrections accepted (``subs``) and tried (``mine``)."""
    n = draw(st.integers(WIDE, WIDE + 6))
    length = draw(st.integers(0, 3)) == 0
    total = draw(_figure("t::p:T", 1, length))
    parts = [draw(_figure(f"t::p:x{i}", 1, length)) for i in range(n)]
    if draw(st.booleans()):  # a figure counted twice in one relation
        parts[-1] = parts[0]
    kind = draw(st.sampled_from(("sum", "sum-le")))
    extra = draw(st.sampled_from(({}, {"empty": ("x9",)}, {"missing": ("x0",)}, {"note": "revised"})))
    r = rel("r", total, *parts, kind=kind, **extra)
    refs = [f.ref for f in (total, *parts)]
    subs = {
        ref: draw(_figure(ref, 2, draw(st.booleans()))) for ref in draw(st.lists(st.sampled_from(refs), max_size=3))
    }
    mine = {
        ref: draw(_figure(ref, 4, draw(st.booleans()))) for ref in draw(st.lists(st.sampled_from(refs), max_size=2))
    }
    policy = draw(st.sampled_from(list(Policy)))
    return r, subs, mine, Tolerance(policy)


@st.composite
def _near_case(draw: st.DrawFn) -> tuple[object, ...]:
    """A wide sum that holds or nearly holds, and corrections of a digit or two with more
    places: verdicts at the edge of the allowance, which the corrections' places move."""
    n = draw(st.integers(WIDE, WIDE + 4))
    values = [Decimal(draw(st.integers(0, 999))) / 10 ** draw(st.integers(0, 1)) for _ in range(n)]
    parts = [fig(f"t::p:x{i}", f"{v} 万元") for i, v in enumerate(values)]
    total_value = sum(values, Decimal(0)) + Decimal(draw(st.integers(-2, 2))) / 10
    total = fig("t::p:T", f"{total_value:.1f} 万元")
    kind = draw(st.sampled_from(("sum", "sum-le")))
    r = rel("r", total, *parts, kind=kind)
    mine = {}
    for f in draw(st.lists(st.sampled_from([total, *parts]), min_size=1, max_size=2)):
        places = draw(st.integers(0, 3))
        step = Decimal(draw(st.integers(-1, 1))) / 10**places
        value = f.value.to_decimal() + step
        if value >= 0:
            mine[f.ref] = fig(f.ref, f"{value:.{places}f} 万元")
    return r, {}, mine, Tolerance(draw(st.sampled_from(list(Policy))))


@settings(max_examples=400, deadline=None)
@given(st.one_of(_case(), _near_case()))
def test_kept_terms_judge_as_the_judge(case: tuple[object, ...]) -> None:
    r, subs, mine, tolerance = case
    assert WideSum.fits(r)  # type: ignore[arg-type]
    kept = WideSum(r, subs, tolerance)  # type: ignore[arg-type]
    world = {**subs, **mine}  # type: ignore[dict-item]
    total = world.get(r.total.ref, r.total)  # type: ignore[attr-defined]
    parts = tuple(world.get(p.ref, p) for p in r.parts)  # type: ignore[attr-defined]
    quick = kept.verdict(mine)  # type: ignore[arg-type]
    if quick is None:  # only when the total's dimension changes
        assert total.unit.dimension != kept._dim
    else:
        assert quick == verdict_of(r, total, parts, tolerance)  # type: ignore[arg-type]


def _column(n: int) -> object:
    """A 合计 of ``n`` rows of 10 that says 10n + 3: each row may be the 13 written 10."""
    parts = [fig(f"t::p:x{i}", "10 万元", i + 2) for i in range(n)]
    return rel("r", fig("t::p:T", f"{10 * n + 3} 万元", 1), *parts)


def test_the_diagnosis_of_a_wide_sum_is_the_full_path_s(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    column = _column(300)
    quick = diagnoses(column)  # type: ignore[arg-type]
    monkeypatch.setattr(WideSum, "fits", staticmethod(lambda rel: False))
    assert repr(quick) == repr(diagnoses(column))  # type: ignore[arg-type]
    assert quick["r"].cause != "unexplained"


def test_a_total_of_many_rows_is_not_judged_in_full_per_candidate(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    judged = []
    full = localise.judged_with
    monkeypatch.setattr(localise, "judged_with", lambda *a, **k: judged.append(1) or full(*a, **k))
    d = diagnoses(_column(3000))  # type: ignore[arg-type]
    assert d["r"].cause != "unexplained"
    assert len(judged) < 50  # each of the thousands of candidates is judged from the kept terms
