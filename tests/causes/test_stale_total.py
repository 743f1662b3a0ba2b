"""stale-total: a total disagrees while its parts agree everywhere else."""

from __future__ import annotations

from fundaudit.causes._base import Applicability
from tests.causes.helpers import diagnoses, fig, rel, top


def test_a_table_total_and_its_repeat_in_the_text() -> None:
    # 工业 附件 全市 row (001:243): 700 名 where the counties add to 1000, as the text says (204)
    citywide = fig("t::industry/r243:全市", "700 名", 243)
    counties = [
        fig(f"t::industry/r243:{c}", v, 243) for c, v in (("巴州", "300 名"), ("恩阳", "450 名"), ("南江", "250 名"))
    ]
    found = diagnoses(
        rel("foot", citywide, *counties, rule="table-foot"),
        rel("repeat", fig("t::industry:text", "1000 名", 204), citywide, rule="repeat"),
    )
    assert top(found["foot"]) == ("stale-total", citywide.ref, "1000 名")
    assert found["foot"].root == found["repeat"].root and found["foot"].applicability is Applicability.LIKELY


def test_a_part_held_elsewhere_is_not_the_culprit() -> None:
    part = fig("t::x:a", "7890 万元")
    found = diagnoses(
        rel("r", fig("t::x:total", "8247 万元"), part, fig("t::x:b", "357 万元"), fig("t::x:c", "186 万元")),
        rel("s", fig("t::annex:a", "7890 万元"), part, rule="repeat"),
    )
    assert top(found["r"]) == ("stale-total", "t::x:total", "8433 万元")


def test_a_stale_total_seen_in_one_relation_only_is_possible_not_likely() -> None:
    # 旅游 附件 资金投入 合计 38310 (001:396) against rows adding to 67510: the document says no more
    found = diagnoses(
        rel("r", fig("t::x:total", "38310 万元"), fig("t::x:a", "40000 万元"), fig("t::x:b", "27510 万元"))
    )
    assert found["r"].cause == "stale-total" and found["r"].applicability is Applicability.POSSIBLE
