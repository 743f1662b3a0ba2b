"""tables: how the rows and columns of a table are read (documents written for the tests)."""

from __future__ import annotations

from fundaudit.draft.model import TableDraft
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
