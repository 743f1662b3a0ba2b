"""parallel: a list of figures stated twice, one of them with other digits (documents written for the tests)."""

from __future__ import annotations

from tests.draft.conftest import found


def _restated(text: str) -> list[tuple[str, str]]:
    out = []
    for c in found(text).claims:
        if c.pattern == "parallel" and c.total:
            out.append((f"{c.total.value} {c.total.unit}", f"{c.parts[0].value} {c.parts[0].unit}"))
    return out


def test_a_target_restated_with_other_digits_in_another_program() -> None:
    text = """\
        某县产业扶贫专项 2021 年实施方案

        聚焦全县 1 个贫困县摘帽、126 个贫困村退出、4.26 万贫困人口脱贫的目标任务，制定本方案。

        某县教育扶贫专项 2021 年实施方案

        围绕 1 个摘帽贫困县、126 个退出贫困村和 4.2 万脱贫人口，安排资金 300 万元。
        """
    # 1 and 126 agree, so the third figure of the list is one target stated twice
    assert _restated(text) == [("4.26 万人", "4.2 万人")]


def test_a_list_by_county_against_a_table_row_links_the_one_that_disagrees() -> None:
    text = """\
        全年培训致富带头人 1860 人。其中：甲区 420 人，乙区 380 人，丙县 560 人，丁县 500 人。

        项目\t单位\t全县\t甲区\t乙区\t丙县\t丁县
        致富带头人培训\t万人\t0.186\t0.042\t0.038\t0.065\t0.05
        """
    assert _restated(text) == [("560 人", "0.065 万人")]


def test_a_row_in_the_wrong_unit_is_one_slip() -> None:
    text = """\
        全年完成技能培训 1.2 万人次。其中：甲区 0.3 万人次，乙区 0.4 万人次，丙县 0.5 万人次。

        项目\t单位\t全县\t甲区\t乙区\t丙县
        小计\t人次\t1.2\t0.3\t0.4\t0.5
        """
    # no word in common (repeats would read a decimal slip by its words): the list's order links them
    assert _restated(text) == [("1.2 万人次", "1.2 人次")]


def test_a_rounding_in_a_split_and_its_row_is_linked_for_the_check_to_judge() -> None:
    text = """\
        全年计划完成投资 36 亿元，其中：中央资金 2.7 亿元、省级资金 5 亿元、市县资金 28.3 亿元。

        单位：万元
        项目\t总投资\t年度计划\t中央\t省级\t市县
        干线公路\t1200000\t360210\t27120\t50180\t282910
        """
    got = _restated(text)
    assert ("5 亿元", "50180 万元") in got  # 5 亿元 states 50180 万元 as an integer: the check reports it
    assert not [p for p in got if p[1] == "1200000 万元"]  # the row's first cell is no figure of the list


def test_lists_that_do_not_agree_or_agree_in_another_order_are_not_linked() -> None:
    text = """\
        新建茶叶基地 190 万亩、果园 100 万亩、桑园 30 万亩，建设提灌站 100 座。

        第四季度，建设提灌站 100 座，新建果园 100 万亩、桑园 30 万亩、茶叶基地 190 万亩、竹林 120 万亩。

        全年建成 2 个示范园、2 个合作社、2 个基地，带动 10 个村。

        项目\t单位\t全县\t甲区\t乙区\t丙县\t丁县\t戊县
        示范园\t个\t10\t2\t2\t2\t2\t2
        """
    assert _restated(text) == []


def test_sums_of_money_in_two_programs_are_two_budgets() -> None:
    text = """\
        某县产业扶贫专项 2021 年实施方案

        安排资金 1250 万元，其中中央 600 万元、省级 400 万元、县级 250 万元。

        某县教育扶贫专项 2021 年实施方案

        安排资金 1250 万元，其中中央 600 万元、省级 400 万元、县级 260 万元。
        """
    assert _restated(text) == []


def test_a_list_stated_again_in_a_row_links_what_nothing_else_links() -> None:
    text = """\
        贫困村退出计划：第一年 34 个村，第二年 29 个村，第三年 17 个村。

        区域\t一期人数（万人）\t一期村数（个）\t二期人数（万人）\t二期村数（个）\t三期人数（万人）\t三期村数（个）
        全县\t1.26\t34\t0.95\t29\t0.41\t17
        """
    got = [(c.pattern, c.total.value, c.parts[0].value) for c in found(text).claims if c.kind == "equal" and c.total]
    # no word in common links them (two digits each), their places in one list do
    assert sorted(got) == [("parallel", "17", "17"), ("parallel", "29", "29"), ("parallel", "34", "34")]
