"""tables: how the rows and columns of a table are read (documents written for the tests)."""

from __future__ import annotations

from pathlib import Path

from fundaudit.draft.build import write_draft
from fundaudit.draft.model import TableDraft
from fundaudit.loader import load
from fundaudit.runner import run
from tests.draft.conftest import found


def table(text: str) -> TableDraft:
    (t,) = found(text).tables
    return t


def sums(t: TableDraft) -> dict[int, list[int]]:
    """Each row that sums others (by line) with the lines of the rows it sums."""
    return {r.line: [t.rows[k].line for k in r.sums] for r in t.rows if r.sums}


def test_numbered_rows_sum_the_rows_below_them() -> None:
    t = table(
        """\
        某县 2022 年交通项目表
        序号\t项目名称\t投资（万元）
        \t合计\t1000
        一\t道路\t700
        1\t县道\t400
        \t东乡\t100
        \t西乡\t300
        2\t村道\t300
        二\t桥梁\t300
        """
    )
    # 合计 sums 一 and 二 (not every row), 一 its projects 1 and 2, project 1 its two places
    assert sums(t) == {3: [4, 9], 4: [5, 8], 5: [6, 7]}


def test_a_last_total_of_the_first_level_sums_its_level() -> None:
    t = table(
        """\
        项目名称\t所在地\t投资（万元）
        一、输变电工程\t\t300
        城西变电站\t东区\t200
        城东变电站\t西区\t100
        二、营销工程\t\t50
        营销网点\t东区\t50
        三、总投资\t全县\t350
        """
    )
    assert sums(t) == {2: [3, 4], 5: [6], 7: [2, 5]}


def test_rows_of_a_place_without_a_unit_sum_the_rows_after_them() -> None:
    t = table(
        """\
        序号\t责任单位\t项目名称\t建设规模\t计量单位\t资金（万元）
        1\t东区\t\t\t\t300
        2\t林业局\t护林\t1000\t亩\t200
        3\t\t造林\t50\t亩\t100
        4\t西区\t\t\t\t80
        5\t林业局\t护林\t400\t亩\t80
        """
    )
    assert sums(t) == {2: [3, 4], 5: [6]}
    assert [r.unit for r in t.rows] == [None, "亩", "亩", None, "亩"]


def test_an_outline_that_does_not_add_up_is_not_claimed() -> None:
    t = table(
        """\
        序号\t项目名称\t投资（万元）
        一\t道路\t9000
        1\t县道\t400
        2\t村道\t300
        """
    )
    assert sums(t) == {}


def test_a_header_tree_sums_each_group_by_its_subtotals() -> None:
    t = table(
        """\
        项目\t投入（万元）
        \t合计\t政府投入\t\t\t\t\t\t其他资金
        \t\t行业资金\t\t\t财政资金\t\t\t小计\t贷款
        \t\t小计\t省级\t县级\t小计\t省级\t县级
        东区\t60\t30\t20\t10\t20\t20\t0\t10\t10
        西区\t45\t25\t25\t0\t20\t10\t10\t0\t0
        """
    )
    got = dict(t.column_sums)
    assert got["投入合计"] == ("行业资金小计", "财政资金小计", "其他资金小计")  # 政府投入 has no 小计 of its own
    assert got["行业资金小计"] == ("省级", "县级")


def test_a_group_shifted_by_the_conversion_is_read_from_its_total() -> None:
    # the second group's header stands one cell right of its 合计, and the rows' figures of
    # that group start at varying cells (the conversion dropped the empty cells before them)
    t = table(
        """\
        项目\t资金（万元）\t\t\t\t片区资金（万元）
        \t合计\t政府投入\t\t合计\t政府投入
        \t\t小计\t省级\t\t小计\t省级\t县级\t市级
        东区\t50\t50\t50\t50\t50\t50
        西区\t30\t30\t30\t\t30\t30\t30
        南区\t20\t20\t20\t\t\t20\t20\t20
        """
    )
    names = [c.name for c in t.columns]
    assert [dict(zip(names, r.cells, strict=True)) for r in t.rows][1:] == [
        {
            "资金合计": "30",
            "政府投入小计": "30",
            "省级": "30",
            "片区资金合计": "30",
            "片区资金政府投入小计": "30",
            "片区资金政府投入省级": "30",
        },
        {
            "资金合计": "20",
            "政府投入小计": "20",
            "省级": "20",
            "片区资金合计": "20",
            "片区资金政府投入小计": "20",
            "片区资金政府投入省级": "20",
        },
    ]
    assert dict(t.column_sums)["片区资金合计"] == ("片区资金政府投入小计",)


def test_a_whole_area_header_over_places_and_a_total_of_one_unit() -> None:
    t = table(
        """\
        项目\t明细\t单位\t全县
        \t\t\t全县\t东乡\t西乡
        脱贫人口\t\t人\t300\t100\t200
        种植业\t茶叶\t万亩\t2\t1.5\t0.5
        \t果蔬\t万亩\t1\t0.5\t0.5
        \t合计\t万亩\t3\t2\t1
        到位率\t\t%\t100\t100\t100
        """
    )
    assert dict(t.column_sums) == {"全县": ("东乡", "西乡")}  # the first place under 全县 is the whole
    assert sums(t) == {6: [4, 5]}  # the 合计 in 万亩 sums the rows in 万亩, not the 人 row


def test_a_percentage_row_is_not_summed_across(tmp_path: Path) -> None:
    doc = tmp_path / "rates.txt"
    doc.write_text("项目\t全县\t东乡\t西乡\n到位率（%）\t100\t100\t100\n新建基地（个）\t3\t1\t2\n", encoding="utf-8")
    budget = load(write_draft(doc, tmp_path / "out").entry)
    got = [(f.rule, f.source.line) for f in run(budget).findings if f.rule == "table-cross-foot"]
    assert got == [("table-cross-foot", 3)]


def test_rows_that_lost_their_empty_cells_under_repeated_groups_are_read_by_their_sums() -> None:
    # 全县 and two 乡 repeat 合计 中央 省级 县级; the conversion dropped the empty cells
    t = table(
        """\
        项目\t单位\t目标\t\t资金（万元）
        \t\t东乡\t西乡\t全县\t东乡\t西乡
        \t\t\t\t合计\t中央\t省级\t县级\t合计\t中央\t省级\t县级\t合计\t中央\t省级\t县级
        危房改造\t户\t30\t20\t500\t300\t0\t200\t300\t180\t120\t200\t120\t80
        道路\t公里\t4\t6\t100\t0\t40\t60\t40\t16\t24\t60\t24\t36
        培训\t人次\t50\t50\t20\t20\t0\t0\t10\t10\t10\t10
        """
    )
    cells = {r.line: dict(zip([c.name for c in t.columns], r.cells, strict=True)) for r in t.rows}
    # 东乡 300 = 180 + 120 go to 中央 and 县级, where 全县 has its non-zero parts
    assert [cells[4][k] for k in ("东乡合计", "资金东乡中央", "资金东乡省级", "资金东乡县级")] == [
        "300",
        "180",
        "",
        "120",
    ]
    assert [cells[5][k] for k in ("西乡合计", "资金西乡中央", "资金西乡省级", "资金西乡县级")] == ["60", "", "24", "36"]
    assert [cells[6][k] for k in ("东乡合计", "资金东乡中央", "西乡合计", "资金西乡中央")] == ["10", "10", "10", "10"]


def test_price_times_quantity_is_the_amount() -> None:
    t = table(
        """\
        项目\t建设规模\t计量单位\t单位造价\t资金（万元）
        护林\t1000\t亩\t0.2\t200
        搬迁\t10\t户\t3.5\t35
        """
    )
    assert t.products == (("资金", "单位造价", "建设规模"),)
    assert [c.unit for c in t.columns] == ["{row}", "万元/{row}", "万元"]


def test_a_whole_area_group_sums_its_places_groups() -> None:
    t = table(
        """\
        项目\t单位\t资金（万元）
        \t\t全县\t\t\t东乡\t\t\t西乡
        \t\t合计\t中央\t县级\t合计\t中央\t县级\t合计\t中央\t县级
        危房改造\t户\t500\t300\t200\t300\t180\t120\t200\t120\t80
        道路\t公里\t100\t40\t60\t40\t16\t24\t60\t24\t36
        """
    )
    names = {c.name: k for k, c in enumerate(t.columns)}
    assert dict(t.column_sums)["中央"] == ("资金东乡中央", "资金西乡中央")  # 全县 中央 = 东乡 中央 + 西乡 中央
    # 全县 合计 is already the sum of its sources; the sum of the places' 合计 is stated per row
    assert ((4, names["全县合计"]), ((4, names["东乡合计"]), (4, names["西乡合计"]))) in t.cell_sums


def test_places_under_a_first_total_sum_their_rows_under_the_projects() -> None:
    t = table(
        """\
        序号\t项目名称\t投资（万元）
        \t全县合计\t900
        \t东乡\t500
        \t西乡\t400
        一\t供水工程\t600
        \t东乡供水站\t300
        \t西乡\t300
        二\t道路\t300
        \t东乡\t200
        \t西乡\t100
        """
    )
    assert sums(t) == {2: [5, 8], 5: [6, 7], 8: [9, 10]}
    # 全县合计 is the sum of its places too; each place sums its rows under the projects
    assert t.cell_sums == (((2, 0), ((3, 0), (4, 0))), ((3, 0), ((6, 0), (9, 0))), ((4, 0), ((7, 0), (10, 0))))


def test_a_last_row_named_by_the_titles_area_is_its_total_and_a_row_that_lost_a_cell_moves_back() -> None:
    t = table(
        """\
        某市 2021—2022 年减贫计划表
        地区\t2021 年\t\t\t2022 年
        \t减贫数（万人）\t退出村（个）\t摘帽县（个）\t发生率（%）\t减贫数（万人）\t退出村（个）
        东县\t1.25\t10\t0\t2.5\t0.5\t4
        西县\t0.75\t6\t1.8\t0.25\t2
        某市\t2\t16\t0\t2.1\t0.75\t6
        """
    )
    assert sums(t) == {}  # the total row is a total (role), summing the rows above it
    assert [r.role for r in t.rows] == ["detail", "detail", "total"]
    # 西县 wrote no 摘帽县 cell at all: 1.8 is its 发生率, not a fraction of a county
    assert dict(zip([c.name for c in t.columns], t.rows[1].cells, strict=True))["发生率"] == "1.8"


def test_a_list_written_in_a_cell_is_a_stated_sum_when_it_adds_up() -> None:
    got = found(
        """\
        序号\t项目名称\t建设内容\t投资（万元）
        1\t县道改建\t全长 70.5 公里，其中：东区 30.2 公里、西区 40.3 公里。\t500
        2\t村道\t共 12 公里，其中：东区 5 公里、西区 6 公里。\t200
        """
    ).claims
    sums_ = [(c.total.value, [p.value for p in c.parts]) for c in got if c.kind == "sum" and c.total]
    assert sums_ == [("70.5", ["30.2", "40.3"])]  # 5 + 6 is not 12: a part may be unreadable, not claimed


def test_a_header_that_names_what_it_counts_gives_the_unit() -> None:
    t = table(
        """\
        区县\t新增就业人数\t新增企业户数
        全县\t300\t20
        东乡\t100\t5
        西乡\t150\t10
        """
    )
    assert [(c.name, c.unit) for c in t.columns] == [("新增就业人数", "人"), ("新增企业户数", "户")]
    assert sums(t) == {2: [3, 4]}  # 全县 written first sums the places (300 ≠ 250: a slip the check reports)


def test_a_parent_headers_list_of_units_goes_to_its_sub_columns_in_order() -> None:
    t = table(
        """\
        序号\t区县\t建设规模（公里、台）\t\t总投资（万元）
        \t\t新建线路\t新增配变台数
        1\t东区\t20.5\t30\t2000
        2\t西区\t10.25\t12\t900
        \t合 计\t30.75\t42\t2900
        """
    )
    assert [(c.name, c.unit) for c in t.columns] == [("新建线路", "公里"), ("新增配变台数", "台"), ("总投资", "万元")]


def test_a_total_row_that_kept_its_number() -> None:
    t = table(
        """\
        序号\t项目名称\t投资（万元）
        1\t家政\t500
        2\t电商\t450
        3\t合计\t900
        """
    )
    assert [r.role for r in t.rows] == ["detail", "detail", "total"]  # 900 ≠ 950: a slip the check reports
