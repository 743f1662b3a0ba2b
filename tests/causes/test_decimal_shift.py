"""decimal-shift: the right digits, the decimal point lost or moved."""

from __future__ import annotations

from fundaudit.causes._base import Applicability
from tests.causes.helpers import diagnoses, fig, rel, top


def test_a_lost_point_in_a_total_found_in_both_relations_it_sits_in() -> None:
    # 教育 附件 合计 row (001:1283): 331015 for 33101.5, footing down and across
    total = fig("t::annex/r1283:全市中央省", "331015 万元", 1283)
    rows = [fig(f"t::annex/r{n}:全市中央省", v, n) for n, v in ((1284, "11720 万元"), (1285, "21381.5 万元"))]
    counties = [fig(f"t::annex/r1283:{c}", v, 1283) for c, v in (("巴州", "20000 万元"), ("恩阳", "13101.5 万元"))]
    found = diagnoses(rel("foot", total, *rows), rel("cross", total, *counties, rule="table-cross-foot"))
    assert top(found["foot"]) == ("decimal-shift", total.ref, "33101.5 万元")
    assert found["foot"].root == found["cross"].root == total.ref
    assert found["foot"].applicability is Applicability.LIKELY and found["foot"].severity == "error"


def test_a_tenfold_too_small_part() -> None:
    d = diagnoses(rel("r", fig("t::x:total", "1100 万元"), fig("t::x:a", "990 万元"), fig("t::x:b", "11 万元")))["r"]
    assert top(d) == ("decimal-shift", "t::x:b", "110 万元")


def test_digits_that_differ_are_no_decimal_shift() -> None:
    d = diagnoses(rel("r", fig("t::x:total", "1100 万元"), fig("t::x:a", "990 万元"), fig("t::x:b", "12 万元")))["r"]
    assert d.cause != "decimal-shift"
