"""digit-typo: one digit wrong, dropped or doubled."""

from __future__ import annotations

from tests.causes.helpers import diagnoses, fig, rel, top


def test_a_dropped_digit_found_in_two_relations() -> None:
    # 教育 附件 南江县 义务教育“一补” (001:1286): 合计 176 where 1184 + 532 = 1716, and the
    # counties' 合计 add to the 全市 figure only with 1716
    nanjiang = fig("t::r1286:南江合计", "176 万元", 1286)
    found = diagnoses(
        rel("cross", nanjiang, fig("t::r1286:南江中央", "1184 万元"), fig("t::r1286:南江县区", "532 万元")),
        rel("counties", fig("t::r1286:全市合计", "2716 万元"), nanjiang, fig("t::r1286:巴州合计", "1000 万元")),
    )
    assert top(found["cross"]) == ("digit-typo", nanjiang.ref, "1716 万元")
    assert found["cross"].root == found["counties"].root


def test_one_wrong_digit() -> None:
    d = diagnoses(
        rel("r", fig("t::x:total", "11673 人"), fig("t::x:a", "10000 人"), fig("t::x:b", "1676 人")),
        rel("s", fig("t::y:b", "1676 人"), fig("t::x:b", "1676 人"), rule="repeat"),
    )["r"]
    assert top(d) == ("digit-typo", "t::x:total", "11676 人")


def test_equally_good_corrections_of_several_parts_are_all_said() -> None:
    # 易地搬迁 安置方式 (001:1108): 11673 against parts adding to 11676; the total is held by
    # a repeat, and 3 off any of the parts would do: no part can be named alone
    total = fig("t::x:total", "11673 人")
    found = diagnoses(
        rel("r", total, fig("t::x:a", "465 人"), fig("t::x:b", "1056 人"), fig("t::x:c", "10155 人")),
        rel("held", fig("t::y:total", "11673 人"), total, rule="repeat"),
    )
    d = found["r"]
    assert d.cause == "digit-typo" and d.applicability.name == "POSSIBLE"
    assert "as likely" in d.text and sum(ref in d.text for ref in ("465 人", "1056 人", "10155 人")) == 3
