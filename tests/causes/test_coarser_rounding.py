"""coarser-rounding: a figure is another statement rounded to fewer digits (a warning)."""

from __future__ import annotations

from tests.causes.helpers import diagnoses, fig, rel, top


def test_a_whole_wan_yuan_rounding_of_a_product() -> None:
    # 新村集中供气 (001:1941): 省级 723 万元 vs 1390 户 × 5200 元/户 = 722.8 万元
    total = fig("t::gas:省级", "723 万元", 1941)
    d = diagnoses(
        rel(
            "r",
            total,
            fig("t::gas:户数", "1390 户"),
            fig("t::gas:每户", "5200 元/户"),
            kind="product",
            rule="unit-cost",
        )
    )["r"]
    assert top(d) == ("coarser-rounding", total.ref, "722.8 万元")
    assert d.severity == "warning"


def test_far_from_the_value_is_no_rounding() -> None:
    # zy2016 水保 (002:175): 1 亿元 where the counties give 0.6: a slip, not a rounding
    d = diagnoses(
        rel("r", fig("t::soil:total", "1 亿元"), fig("t::soil:a", "0.46 亿元"), fig("t::soil:b", "0.14 亿元"))
    )["r"]
    assert d.cause != "coarser-rounding" and d.severity == "error"
