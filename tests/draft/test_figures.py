"""figures: units, 万 before a noun, 余, full-width digits, numbers broken over lines, exclusions."""

from __future__ import annotations

from tests.draft.conftest import figs, found


def test_units_and_labels() -> None:
    f = found("2020 年教育扶贫专项计划安排资金 194.08 亿元。其中，中央资金 125.82 亿元，市、县资金 13.58 亿元。")
    assert [(x.value, x.unit, x.label) for x in f.figures] == [
        ("194.08", "亿元", "教育扶贫专项计划安排资金"),
        ("125.82", "亿元", "中央资金"),
        ("13.58", "亿元", "市、县资金"),
    ]


def test_wan_before_a_noun_takes_its_counting_word() -> None:
    assert figs("帮助 20 万贫困人口脱贫，信息咨询量达到 1.5 万条，培训 0.17 万名学生。") == [
        ("20", "万人", 1),
        ("1.5", "万条", 1),
        ("0.17", "万名", 1),
    ]


def test_bound_between_number_and_unit() -> None:
    f = found("对 1500 余名服务专家进行轮训，投入 10 亿元以上，约 300 户。")
    assert [(x.value, x.unit, x.bound) for x in f.figures] == [
        ("1500", "名", "min"),
        ("10", "亿元", "min"),
        ("300", "户", "approx"),
    ]


def test_full_width_digits_and_a_number_broken_over_lines() -> None:
    assert figs("计划投入１２.５亿元，其中，中央资金 8.4\n\n亿元。") == [("12.5", "亿元", 1), ("8.4", "亿元", 1)]


def test_units_the_tokenizer_lacks() -> None:
    assert figs("新建校舍 3.2 万平方米，蓄水 1.2 亿立方米。") == [("3.2", "万平方米", 1), ("1.2", "亿立方米", 1)]


def test_exclusions_years_quarters_document_numbers_dates() -> None:
    text = "根据川府发〔2018〕11号，2020 年 3 月 10 日前，第二季度完成，第 1 名，联系电话 028-86012345。"
    assert figs(text) == []


def test_a_year_whose_nian_starts_the_next_line() -> None:
    assert figs("力争 2018\n\n年底前完成投资 3 亿元。") == [("3", "亿元", 3)]


def test_a_label_never_starts_mid_word() -> None:
    f = found("（三）全省建设高标准农田 190 万亩，新建提灌站 100 座。")
    assert [x.label for x in f.figures] == ["全省建设高标准农田", "新建提灌站"]


def test_a_number_the_data_format_cannot_hold_is_left_out() -> None:
    assert figs("省级资金 " + "9" * 41 + " 亿元，中央资金 3 亿元。") == [("3", "亿元", 1)]


def test_an_earlier_figure_of_the_clause_is_not_part_of_a_label() -> None:
    f = found("使 8.43 万户 28.09 万贫困人口得到了扶持。")
    assert [(x.value, x.unit) for x in f.figures] == [("8.43", "万户"), ("28.09", "万人")]
    assert f.figures[1].label == "使贫困人口得到了扶持"


def test_a_label_reaches_back_over_a_parenthesis_that_ends_right_before_the_figure() -> None:
    f = found("其中，社会资金（项目业主）27 亿元，市（州）和县（市、区）政府筹集 6.8 亿元。")
    assert [x.label for x in f.figures] == ["社会资金(项目业主)", "市(州)和县(市、区)政府筹集"]
