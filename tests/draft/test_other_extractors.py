"""unit_cost, schedules, shares, and the pipeline's order."""

from __future__ import annotations

from fundaudit.draft.extract import PIPELINE, check_pipeline
from tests.draft.conftest import claims


def test_pipeline_order_is_sound_and_documented() -> None:
    assert check_pipeline(PIPELINE) == []
    assert PIPELINE[0].id == "figures"
    for ex in PIPELINE:
        assert ex.doc.startswith(ex.id + " — "), ex.id


def test_a_requirement_no_earlier_extractor_assigns_is_reported() -> None:
    splits = next(e for e in PIPELINE if e.id == "splits")
    assert check_pipeline((splits,)) == ["splits requires 'figure', which no earlier extractor assigns"]


def test_unit_cost_times_quantity() -> None:
    got = claims("对 1390 户搬迁户，每户补助 5200 元，共需资金 722.8 万元。")
    assert ("product", "722.8 万元", ("5200 元/户", "1390 户"), ("rate", "quantity")) in got


def test_quarterly_schedule() -> None:
    got = claims("全年计划下达 8.6 亿元，一季度下达 3 亿元，二季度下达 2.6 亿元，三季度下达 3 亿元。")
    assert ("sum", "8.6 亿元", ("3 亿元", "2.6 亿元", "3 亿元"), ("1季度", "2季度", "3季度")) in got


def test_cumulative_schedule() -> None:
    text = (
        "全年完成投资 40 亿元，一季度累计完成 10 亿元，二季度累计完成 20 亿元，"
        "三季度累计完成 30 亿元，四季度累计完成 40 亿元。"
    )
    kinds = [c[0] for c in claims(text)]
    assert "cumulative" in kinds


def test_shares_named_by_parties() -> None:
    assert ("shares", "", ("85 %", "15 %"), ("中央和省级财政", "县级财政")) in claims(
        "保费由中央和省级财政承担 85%，县级财政承担 15%。"
    )


def test_percentages_that_are_targets_are_not_shares() -> None:
    assert not [c for c in claims("县级贫困发生率降至 3%，村级覆盖率达到 100%。") if c[0] == "shares"]
