"""splits: funding-source splits, 含 breakdowns, lists, only."""

from __future__ import annotations

from tests.draft.conftest import claims


def test_split_into_canonical_sources() -> None:
    text = "计划安排资金 194.08 亿元。其中，中央资金 125.82 亿元，省级资金 54.68 亿元，市、县资金 13.58 亿元。"
    assert claims(text) == [
        ("split", "194.08 亿元", ("125.82 亿元", "54.68 亿元", "13.58 亿元"), ("中央", "省级", "市县")),
    ]


def test_a_named_source_alone_is_only() -> None:
    assert claims("（四）医学专科生引进项目计划投入省级资金 0.12 亿元。") == [("split", "0.12 亿元", (), ("省级",))]


def test_a_parts_own_breakdown_is_not_a_part() -> None:
    text = "计划投入 50 亿元，其中，中央资金 30 亿元（含提前下达 4 亿元），省级资金 20 亿元。"
    assert claims(text) == [
        ("split", "50 亿元", ("30 亿元", "20 亿元"), ("中央", "省级")),
        ("sum-partial", "30 亿元", ("4 亿元",), ("含提前下达",)),  # the part's own breakdown, nested
    ]


def test_parts_in_parentheses_stop_where_they_close() -> None:
    text = "计划投入资金 31.1 亿元（浙江省 18.4 亿元，广东省 7.2 亿元，佛山市 5.5 亿元）。另安排 3 亿元。"
    got = claims(text)
    assert got[0] == ("sum", "31.1 亿元", ("18.4 亿元", "7.2 亿元", "5.5 亿元"), ("浙江省", "广东省", "佛山市"))


def test_a_list_of_counties_is_a_stated_sum() -> None:
    text = "发放国家助学金 2.28 万名，其中：巴州区 0.44 万名，恩阳区 0.23 万名，南江县 1.61 万名。"
    assert claims(text) == [
        ("sum", "2.28 万名", ("0.44 万名", "0.23 万名", "1.61 万名"), ("巴州区", "恩阳区", "南江县")),
    ]


def test_including_makes_a_partial_list() -> None:
    text = "建设文化服务中心 1255 个（含深度贫困县 967 个）。"
    assert claims(text) == [("sum-partial", "1255 个", ("967 个",), ("含深度贫困县",))]


def test_a_misreading_is_not_claimed() -> None:
    # the parts sum to far more than the figure before 其中: not its breakdown
    assert claims("新建 2 个基地，其中，中央资金 300 亿元，省级资金 200 亿元。") == []


def test_a_list_separated_by_semicolons_with_nested_breakdowns() -> None:
    text = (
        "争取投入资金 3.4 亿元，其中：防洪治理工程 2.8 亿元（雁江区投入资金 0.9 亿元，解决贫困人口 0.58 万人；"
        "乐至县投入资金 1.9 亿元）；水保项目 1 亿元（雁江区投入资金 0.46 亿元；乐至县投入资金 0.12 亿元）。"
    )
    assert claims(text) == [
        ("sum", "3.4 亿元", ("2.8 亿元", "1 亿元"), ("防洪治理工程", "水保项目")),
        ("sum", "2.8 亿元", ("0.9 亿元", "1.9 亿元"), ("雁江区投入资金", "乐至县投入资金")),
        ("sum", "1 亿元", ("0.46 亿元", "0.12 亿元"), ("雁江区投入资金", "乐至县投入资金")),  # 0.58 亿元 short
    ]


def test_items_then_a_sentence_of_sources_split_the_total() -> None:
    got = claims(
        "全年计划完成投资 10 亿元，其中：道路 6 亿元、桥梁 4 亿元。"
        "资金来源为：中央资金 3 亿元、省级资金 2 亿元、市县资金 5 亿元。"
    )
    assert ("sum", "10 亿元", ("6 亿元", "4 亿元"), ("道路", "桥梁")) in got
    assert ("split", "10 亿元", ("3 亿元", "2 亿元", "5 亿元"), ("中央", "省级", "市县")) in got


def test_a_sentence_opening_with_qizhong_lists_the_last_figure_before_it_up_to_the_next_item() -> None:
    got = claims(
        "（1）为 2.28 万名学生发放助学金。其中：东区 1.28 万名，西区 1 万名；（2）为 2660 名中职学生提供补助。"
    )
    assert [c[:3] for c in got if c[0] == "sum"] == [("sum", "2.28 万名", ("1.28 万名", "1 万名"))]


def test_items_in_parentheses_then_a_qizhong_sentence_of_sources() -> None:
    got = claims(
        "计划完成投资 10 亿元（道路 6 亿元，桥梁 4 亿元）。其中，中央资金 3 亿元（含提前下达 1 亿元），"
        "省级资金 2 亿元，社会资金（项目业主）5 亿元。"
    )
    assert ("split", "10 亿元", ("3 亿元", "2 亿元", "5 亿元"), ("中央", "省级", "社会")) in got


def test_a_list_in_two_units_after_a_share_belongs_to_both_totals_before_it() -> None:
    got = claims("集中安置 300 户 1000 人，占总人口的 60%（其中：园区安置 100 户 300 人、新村安置 200 户 703 人）。")
    assert ("sum", "300 户", ("100 户", "200 户"), ("园区安置", "新村安置")) in got
    assert [c[:3] for c in got if c[1] == "1000 人"] == [("sum", "1000 人", ("300 人", "703 人"))]  # a slip of 3


def test_the_words_a_count_names_then_its_list() -> None:
    got = claims("实施 120 个文化院坝建设项目，其中：甲州建设项目 90 个，乙市建设项目 30 个。")
    assert ("sum", "120 个", ("90 个", "30 个"), ("甲州建设项目", "乙市建设项目")) in got


def test_a_total_whose_next_clause_names_its_one_source() -> None:
    assert claims("计划安排资金 0.05 亿元，为省级财政资金。") == [("split", "0.05 亿元", (), ("省级",))]
    assert claims("计划安排资金 0.12 亿元，由县级财政统筹解决。") == [("split", "0.12 亿元", (), ("市县",))]
    assert claims("计划安排资金 0.12 亿元，为全年任务的一半。") == [("split", "0.12 亿元", (), ())]


def test_one_part_named_by_qizhong_is_partial_and_each_ones_amount_is_no_part() -> None:
    got = claims("五年共投入各类资金 8.4 亿元，其中财政扶贫资金 2.2 亿元，在 40 个村实施项目。")
    assert got == [("sum-partial", "8.4 亿元", ("2.2 亿元",), ("财政扶贫资金",))]
    got = claims("全年计划投资 500 万元，建成 100 个，其中：各乡镇均计划投资 100 万元、建成 20 个。")
    assert not [c for c in got if c[1] == "500 万元" and c[2]]


def test_an_estimated_need_is_a_planned_total() -> None:
    # 概算 / 需求 name a planned amount as 计划 does: a total that itemised amounts below it may make up
    assert claims("全县易地搬迁资金概算总需求 1200 万元，具体组成如下：") == [("split", "1200 万元", (), ())]
    assert claims("去年全县共完成 1200 万元。") == []
