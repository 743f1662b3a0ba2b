"""unit-slip: a figure in the wrong unit of its ladder (元 / 万元 / 亿元, 人 / 万人 …)."""

from __future__ import annotations

from fundaudit.causes._base import Applicability
from tests.causes.helpers import diagnoses, fig, rel, top


def test_a_part_in_yuan_among_wan_yuan_reads_as_wan_yuan() -> None:
    total, a, b = fig("t::x:total", "10.5 万元"), fig("t::x:a", "10 万元"), fig("t::x:b", "0.5 元", 7)
    d = diagnoses(rel("r", total, a, b))["r"]
    assert top(d) == ("unit-slip", "t::x:b", "0.5 万元")
    assert d.severity == "error" and "0.5 元 (line 7) reads as 0.5 万元" in d.text
    # a = 10.5 (one digit) is a rival of a pattern too: the unit slip is ranked first, only possible
    assert d.applicability is Applicability.POSSIBLE
    assert {c.figure.ref for c in d.figures[1:]} == {"t::x:a", "t::x:total"}


def test_bz2018_reservoir_loan_1000_yuan_is_10000_wan_yuan_in_both_relations() -> None:
    # 水务 (001:1595, 1652): 银行贷款 "1000元" among 万元; the item's parts and the 附件 both
    # ask for 10000 万元: one correction, two findings, one root
    loan = fig("bz::water/reservoirs:银行贷款", "1000 元", 1595)
    total = fig("bz::water/reservoirs:total", "84439 万元", 1595)
    central = fig("bz::water/reservoirs:中央省级", "64439 万元", 1595)
    local = fig("bz::water/reservoirs:市县", "10000 万元", 1595)
    annex = fig("bz::water/annex:银行贷款", "10000 万元", 1652)
    found = diagnoses(rel("cross", total, central, local, loan), rel("repeat", annex, loan, rule="repeat"))
    assert top(found["cross"]) == ("unit-slip", loan.ref, "10000 万元")
    assert found["cross"].root == found["repeat"].root == loan.ref
    assert found["cross"].explains == ("cross", "repeat")
    assert found["cross"].applicability is Applicability.LIKELY


def test_people_in_wan_ren() -> None:
    d = diagnoses(rel("r", fig("t::x:total", "3.2 万人"), fig("t::x:a", "2 万人"), fig("t::x:b", "1.2 人")))["r"]
    assert top(d) == ("unit-slip", "t::x:b", "1.2 万人")


def test_same_unit_everywhere_is_no_unit_slip() -> None:
    d = diagnoses(
        rel(
            "r",
            fig("t::x:total", "84439 万元"),
            fig("t::x:a", "64439 万元"),
            fig("t::x:b", "10000 万元"),
            fig("t::x:c", "1000 万元"),
        )
    )["r"]
    assert d.cause != "unit-slip"
