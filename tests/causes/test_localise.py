"""Localisation: candidates combined across failing relations, re-judged exactly, roots shared."""

from __future__ import annotations

from fundaudit.causes import REGISTRY
from fundaudit.causes._base import Cause
from fundaudit.causes.localise import diagnose
from fundaudit.tolerance import DEFAULT
from tests.causes.helpers import diagnoses, fig, rel, top


def test_zy2016_soil_total_explains_both_foots() -> None:
    # 资阳 (002:175): 防洪 3.4 亿元 = 2.8 + 水保 1; 水保 1 = 0.46 + 0.02 + 0.12. One figure, two findings
    soil = fig("zy::flood/soil:total", "1 亿元", 175)
    found = diagnoses(
        rel("flood", fig("zy::flood:total", "3.4 亿元", 175), fig("zy::flood/works:total", "2.8 亿元", 175), soil),
        rel(
            "soil",
            soil,
            *(
                fig(f"zy::flood/soil:{c}", v, 175)
                for c, v in (("a", "0.46 亿元"), ("b", "0.02 亿元"), ("c", "0.12 亿元"))
            ),
        ),
    )
    assert top(found["flood"])[1:] == (soil.ref, "0.6 亿元") and top(found["soil"])[1:] == (soil.ref, "0.6 亿元")
    assert found["flood"].root == found["soil"].root == soil.ref and found["flood"].explains == ("flood", "soil")


def test_a_correction_that_breaks_a_holding_relation_is_dropped() -> None:
    a = fig("t::x:a", "40 万元")
    found = diagnoses(
        rel("r", fig("t::x:total", "91 万元"), a, fig("t::x:b", "50 万元")),
        rel("held", fig("t::y:a", "40 万元"), a, rule="repeat"),  # a is right: 40 stated twice
    )
    assert top(found["r"])[1] == "t::x:total"  # not a


def test_two_corrections_are_said_and_share_one_root() -> None:
    # a row whose two cells lost their point; the row total needs both corrections
    c1, c2 = fig("t::row:c1", "1005 万元"), fig("t::row:c2", "2007 万元")
    found = diagnoses(
        rel("col1", c1, fig("t::r1:c1", "50 万元"), fig("t::r2:c1", "50.5 万元")),
        rel("col2", c2, fig("t::r1:c2", "100 万元"), fig("t::r2:c2", "100.7 万元")),
        rel("row", fig("t::row:total", "301.2 万元"), c1, c2, rule="table-cross-foot"),
    )
    assert top(found["col1"]) == ("decimal-shift", c1.ref, "100.5 万元")
    assert found["row"].corrections == 2 and "after correcting" in found["row"].text
    assert found["row"].root in {found["col1"].root, found["col2"].root}


def test_a_crashing_cause_is_noted_and_changes_nothing() -> None:
    def boom(*_: object) -> list[object]:
        raise RuntimeError("boom")

    crashing = Cause("boom", "Crashes", "error", "{detail}", "boom — crashes\n\nCorrection safety: none", boom)
    r = rel("r", fig("t::x:total", "10.5 万元"), fig("t::x:a", "10 万元"), fig("t::x:b", "0.5 元"))
    got = diagnose([r], {f.ref: [r] for f in (r.total, *r.parts)}, DEFAULT, causes=(crashing, *REGISTRY))
    assert any("boom" in note for note in got.notes)
    assert got.diagnoses["r"].cause == "unit-slip"
