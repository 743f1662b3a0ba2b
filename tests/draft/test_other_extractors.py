"""unit_cost, schedules, shares, and the pipeline's order."""

from __future__ import annotations

from pathlib import Path

from fundaudit.draft.build import write_draft
from fundaudit.draft.extract import PIPELINE, check_pipeline
from fundaudit.loader import load
from fundaudit.runner import run
from tests.draft.conftest import claims, found


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


def _equal(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(c[1], c[2]) for c in claims(text) if c[0] == "equal"]


def test_a_small_repeat_is_linked_by_the_words_around_it() -> None:
    text = """\
        全年完成 2 万亩茶叶基地，新建标准化养殖场 2 个。

        项目\t单位\t全县
        新建茶叶基地\t万亩\t2
        修建村道\t万亩\t2
        """
    # the words after the first 2 万亩 name 茶叶 and 基地, as the first row does; the
    # second row shares no word with it, and 2 个 is another dimension
    assert _equal(text) == [("2 万亩", ("2 万亩",))]


def test_a_rounded_figure_is_the_precise_one_in_another_unit() -> None:
    text = """\
        全年计划完成交通投资 97.6 亿元，其中农村公路 22 亿元。

        单位：万元
        项目\t计划投资
        农村公路\t220400
        交通投资合计\t976034
        """
    got = _equal(text)
    assert ("97.6 亿元", ("976034 万元",)) in got
    # an integer is exact (22 亿元 is not 220400 万元), but with the same words and within 0.5 % it is the
    # same item rounded: linked, and the check reports the difference
    assert ("22 亿元", ("220400 万元",)) in got


def test_a_repeat_links_to_the_earlier_statement_with_most_words_in_common() -> None:
    text = """\
        新建茶叶基地 2 万亩，新建果蔬基地 2 万亩。

        项目\t单位\t全县
        新建果蔬基地\t万亩\t2
        """
    # the cell names 果蔬, as the second statement does: it repeats that one, not the first
    got = [(c.total.offset, [p.line for p in c.parts]) for c in found(text).claims if c.kind == "equal" and c.total]
    assert got == [(found(text).figures[1].offset, [4])]


def test_a_target_restated_in_another_program_is_a_repeat_a_budget_is_not() -> None:
    text = """\
        某县产业扶贫专项 2021 年实施方案

        全年实现 30 个贫困村退出，安排资金 500 万元。

        某县教育扶贫专项 2021 年实施方案

        助推 30 个贫困村退出，安排资金 500 万元。
        """
    assert _equal(text) == [("30 个", ("30 个",))]


def test_figures_that_add_up_exactly_in_one_sentence_are_a_stated_sum() -> None:
    got = claims("支持 14 个县建设播出机构，完成 10 个，争取新开工 4 个。新建 12 个站点，改造 5 个。")
    assert ("sum", "14 个", ("10 个", "4 个"), ("完成", "争取新开工")) in got
    assert not [c for c in got if c[1] == "12 个"]  # 12 is not 5: no sum
    got = claims("主要负责同志调研 2 次、班子成员 10 次，累计 12 次。")
    assert [c[:3] for c in got if c[0] == "sum"] == [("sum", "12 次", ("2 次", "10 次"))]


def test_a_figure_rounded_wrongly_is_linked_only_with_many_words_in_common() -> None:
    text = """\
        全年建成农村公路生命防护工程 652 公里，水土流失治理 72 平方公里。

        序号\t项目\t建设内容\t投资（万元）
        1\t生命防护\t农村公路生命防护工程 651.992 公里。\t500
        2\t水土保持\t完成 71.86 平方公里水土流失治理。\t20
        """
    got = _equal(text)
    assert ("652 公里", ("651.992 公里",)) in got  # 生命 防护 工程 … in common: a slip the check reports
    assert ("72 平方公里", ("71.86 平方公里",)) in got  # an integer within 0.5 %, its own words in common


def test_a_rate_times_the_head_counts_of_the_text_is_a_row_of_a_table(tmp_path: Path) -> None:
    doc = tmp_path / "aid.txt"
    doc.write_text(
        "某县助学专项 2021 年实施方案\n"
        "按照每生每年 2000 元的标准，为 1.5 万名学生发放助学金。其中：东乡 0.5 万名，西乡 1 万名。\n"
        "\n"
        "项目\t单位\t全县\t东乡\t西乡\n"
        "助学金\t万元\t3000\t1000\t2000\n",
        encoding="utf-8",
    )
    budget = load(write_draft(doc, tmp_path / "out").entry)
    got = sorted(f.verdict.value for f in run(budget).findings if f.rule == "unit-cost")
    assert got == ["match", "match", "match"]  # 2000 元 per 人 × 1.5 / 0.5 / 1 万名 = the row's cells
    assert any(f.text == "2000 元" for f in budget.figures)  # the figure keeps its written unit


def test_a_target_the_table_restates_with_another_figure_is_linked_to_be_checked() -> None:
    text = """\
        某县产业扶贫专项 2021 年实施方案

        全年新增解决 1000 名贫困群众就业，新增小微工业企业 83 户。

        附件
        某县 2021 年产业扶贫目标任务
        区县\t新增困难群众就业人数\t新增小微工业企业户数
        全 县\t700\t55
        东乡\t500\t40
        西乡\t500\t43
        """
    got = _equal(text)
    assert ("1000 名", ("700 人",)) in got and ("83 户", ("55 户",)) in got  # 全县 row against the text
    assert len(got) == 2  # the places' rows are not the text's targets


def test_a_yearly_schedule_of_each_thing_counted() -> None:
    got = claims(
        "今后 3 年，全县实现 12 万贫困人口脱贫、95 个贫困村退出、6 个贫困乡摘帽。"
        "进度为：2018 年实现 6 万贫困人口脱贫、50 个贫困村退出、3 个贫困乡摘帽；"
        "2019 年实现 4 万贫困人口脱贫、30 个贫困村退出、2 个贫困乡摘帽；"
        "2020 年实现 2 万贫困人口脱贫、15 个贫困村退出、1 个贫困乡摘帽。"
    )
    schedules = {c[1]: c[2] for c in got if c[3] and c[3][0].endswith("年")}
    assert schedules == {
        "12 万人": ("6 万人", "4 万人", "2 万人"),
        "95 个": ("50 个", "30 个", "15 个"),
        "6 个": ("3 个", "2 个", "1 个"),
    }


def test_years_that_make_up_part_of_a_target_are_a_partial_schedule() -> None:
    text = (
        "围绕 13.9 万贫困人口全部脱贫的目标。\n\n"
        "——退出计划：2016 年 5 万人，2017 年 4.7 万人，2018 年 4.1 万人，2019 年—2020 年巩固提升。\n"
    )
    got = [c for c in claims(text) if c[3] and c[3][0].endswith("年")]
    assert got == [("sum-partial", "13.9 万人", ("5 万人", "4.7 万人", "4.1 万人"), ("2016年", "2017年", "2018年"))]


def test_amounts_that_are_portions_of_a_whole(tmp_path: Path) -> None:
    doc = tmp_path / "grid.txt"
    doc.write_text(
        "规划总投资 10 亿元，220 千伏工程投资 2 亿元，占总投资的 20%；110 千伏工程投资 3 亿元，占总投资的 30%；"
        "10 千伏工程投资 5 亿元，占总投资的 50%。\n致贫原因：因病致贫占 46.3%、缺资金致贫占 10.2%。\n",
        encoding="utf-8",
    )
    budget = load(write_draft(doc, tmp_path / "out").entry)
    got = sorted((f.rule, f.verdict.value) for f in run(budget).findings)
    # 2 = 10 × 20 % …, 10 = 2 + 3 + 5, 20 + 30 + 50 = 100 %, and the causes a partial share list
    assert got == [("shares", "match"), ("shares", "within")] + [("stated-sum", "match")] + [("unit-cost", "match")] * 3


def test_a_pattern_that_fails_is_named_in_the_draft_and_the_rest_is_read(tmp_path: Path) -> None:
    from fundaudit.draft import extract as run_extract
    from fundaudit.draft.extract import Extractor
    from fundaudit.draft.readers import lines

    def broken(index: int, block: object, ctx: object) -> list[object]:
        raise ValueError("a bug")

    bad = Extractor("broken", "fails", frozenset({"paragraph"}), frozenset(), frozenset(), broken, "broken — fails")
    found_ = run_extract(lines("全年投资 3 亿元，其中中央资金 1 亿元、省级资金 2 亿元。\n"), (*PIPELINE, bad))
    assert found_.problems == ("broken failed at line 1: ValueError: a bug",)
    assert [c.kind for c in found_.claims] == ["split"]  # the other patterns' reading is kept


def test_a_share_whose_whole_is_written_in_its_own_clause() -> None:
    got = claims("全县带动 3800 人脱贫，占全县 7300 人脱贫任务的 52%。")
    assert ("product", "3800 人", ("7300 人", "52 %"), ("whole", "share")) in got


def test_a_short_integer_that_rounds_the_table_is_linked_on_its_own_words_only() -> None:
    text = """\
        普通干线公路计划完成投资 48 亿元，其他项目 5 亿元。

        单位：万元
        序号\t项目\t投资
        一\t普通干线公路\t480105
        二\t其他项目\t49230
        """
    got = _equal(text)
    assert ("48 亿元", ("480105 万元",)) in got  # an integer is exact: the check reports 48 ≠ 48.0105
    assert not [g for g in got if g[0] == "5 亿元"]  # one significant digit: too coarse


def test_a_head_count_whose_amount_the_table_states_wrongly_is_linked_to_its_cell(tmp_path: Path) -> None:
    doc = tmp_path / "aid.txt"
    doc.write_text(
        "某县助学专项 2021 年实施方案\n"
        "按照每生每年 2000 元标准，为 1.2 万名学生发放助学金。其中：东乡 0.5 万名，中乡 0.4 万名，西乡 0.3 万名。\n"
        "\n"
        "项目\t单位\t全县合计\t东乡合计\t中乡合计\t西乡合计\n"
        "助学金\t万元\t2400\t1000\t80\t600\n",
        encoding="utf-8",
    )
    budget = load(write_draft(doc, tmp_path / "out").entry)
    got = sorted(f.verdict.value for f in run(budget).findings if f.rule == "unit-cost")
    assert got == ["match", "match", "match", "mismatch"]  # 中乡: 2000 元 × 0.4 万名 is 800, the table says 80


def test_an_integer_that_drops_the_decimals_is_linked_with_a_word_in_common() -> None:
    text = """\
        全年计划落实资金 35210 万元，其中：地方整合资金 28734 万元。

        单位：万元
        序号\t项目\t合计\t整合资金
        一\t饮水工程项目\t35210.4\t28734.56
        """
    got = _equal(text)
    assert ("28734 万元", ("28734.56 万元",)) in got  # 整合 in common: the check reports the 0.56


def test_a_target_and_the_next_sentence_that_breaks_it_down_are_a_sum() -> None:
    text = "全年支持 42 个台站改造。完成 25 个、新开工 17 个（新建 8 个、改造 9 个）台站建设工程。"
    got = claims(text)
    assert ("sum", "42 个", ("25 个", "17 个"), ("完成", "新开工")) in got
    # a sentence that does not open with the run is no breakdown
    assert not [
        c for c in claims("全年支持 42 个台站改造。投入 500 万元，建成 25 个站点，改造 17 个。") if c[0] == "sum"
    ]


def test_a_target_is_the_sum_of_its_years_in_a_tables_total_row() -> None:
    text = """\
        某县脱贫攻坚规划

        全县现有贫困人口 2.35 万人、贫困村 48 个。

        到 2020 年，实现 2.35 万贫困人口全部脱贫、48 个贫困村全部退出的目标。

        某县分年度减贫计划表

        地区\t2018 年\t\t2019 年\t
        \t减贫人数（万人）\t贫困村退出（个）\t减贫人数（万人）\t贫困村退出（个）
        甲区\t0.6\t10\t0.5\t9
        乙区\t0.65\t15\t0.5\t14
        全县\t1.25\t25\t1.0\t23
        """
    got = [
        (c.total.value, c.total.line, tuple(p.value for p in c.parts), c.keys)
        for c in found(text).claims
        if c.pattern == "table_periods" and c.total
    ]
    # 48 = 25 + 23 makes the table this target's schedule; 2.35 against 1.25 + 1.0 is then a slip to report.
    # The target is read where its words are the columns' (全部退出), not where the baseline is stated.
    assert sorted(got) == [
        ("2.35", 5, ("1.25", "1.0"), ("2018", "2019")),
        ("48", 5, ("25", "23"), ("2018", "2019")),
    ]
    # no figure of the text adds up: no schedule
    assert not [c for c in found(text.replace("23\n", "22\n")).claims if c.pattern == "table_periods"]


def test_restatements_link_to_the_statement_that_defines_the_amount() -> None:
    text = """\
        本规划覆盖全县 2.46 万贫困人口。

        到 2020 年实现 2.46 万贫困人口脱贫，其中：2019 年 1.5 万人，2020 年 0.96 万人。

        全县 2.46 万贫困人口全部纳入帮扶。
        """
    got = [(c.total.line, tuple(p.line for p in c.parts)) for c in found(text).claims if c.kind == "equal" and c.total]
    # 2.46 of line 3 is the total of its years: lines 1 and 5 restate it (not line 1 as the first)
    assert got == [(3, (1, 5))]


def test_a_decimal_point_slipped_between_the_text_and_a_table() -> None:
    text = """\
        全年安排资金 6.8 亿元。其中，中央财政补助资金 4.6 亿元，县级财政配套资金 2.2 亿元。

        单位：万元
        项目\t合计\t中央财政补助资金\t县级财政配套资金\t培训人次
        合计\t68000\t4600\t22000\t46
        """
    got = _equal(text)
    # 4.6 亿元 is 46000 万元: the 附件's 4600 has the digits with the point moved (the check reports it)
    assert ("4.6 亿元", ("4600 万元",)) in got
    assert not [g for g in got if "46 " in g[1][0]]  # a count with those digits is no amount of money


def test_a_split_of_the_text_against_its_rows_finer_columns() -> None:
    text = """\
        全年计划落实资金 5230 万元，其中中央省级资金 3100 万元，县级资金 1800 万元，其他资金 331 万元。

        单位：万元
        项目\t合计\t中央\t省级\t县级\t社会投入\t其他投入
        饮水工程\t5230.4\t2000\t1100\t1800\t200\t130.4
        """
    got = [
        (c.kind, c.total.value, tuple(p.value for p in c.parts))
        for c in found(text).claims
        if c.pattern == "split_columns"
    ]
    assert ("sum", "3100", ("2000", "1100")) in got
    # 200 + 130.4 = 330.4, not 331: the one run that disagrees, by less than 1 %, is claimed for the check
    assert ("sum", "331", ("200", "130.4")) in got
    # a part far from its run is no slip of this row: nothing is cut
    assert not [c for c in found(text.replace("331 万元", "390 万元")).claims if c.pattern == "split_columns"]
