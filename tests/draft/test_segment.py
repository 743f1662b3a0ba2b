"""segment: one test per block kind."""

from __future__ import annotations

from fundaudit.draft.model import Heading, Paragraph, TableBlock
from fundaudit.draft.readers import lines
from fundaudit.draft.segment import segment


def blocks(text: str) -> list[object]:
    return list(segment(lines(text)).blocks)


def test_heading_levels_from_numbering() -> None:
    text = (
        "某县 2021 年产业扶贫专项实施方案\n一、目标任务\n（一）产业发展\n"
        "1. 茶叶基地\n（1）新建\n### **二、资金筹措**\n附件 2\n"
    )
    got = [(b.level, b.numbering) for b in blocks(text) if isinstance(b, Heading)]
    assert got == [(0, ""), (1, "一、"), (2, "(一)"), (3, "1."), (4, "(1)"), (1, "二、"), (1, "附件2")]


def test_a_number_in_running_text_is_not_a_heading() -> None:
    assert not [b for b in blocks("完成投资 1.5 亿元。\n2018 年完成。\n") if isinstance(b, Heading)]


def test_paragraph_joins_a_number_broken_over_a_blank_line() -> None:
    (para,) = blocks("其中，中央资金 8.4\n\n亿元，省级资金 1.4 亿元。\n")
    assert isinstance(para, Paragraph)
    assert "8.4亿元" in para.text
    assert para.where(para.text.index("1.4")) == (3, para.text.index("1.4") - para.starts[1])


def test_table_with_title_unit_and_header_rows() -> None:
    text = "某县项目资金表\n\n单位：万元\n\n项目\t投入资金\t\n\t合计\t中央\n道路\t120\t80\n合计\t120\t80\n"
    (table,) = [b for b in blocks(text) if isinstance(b, TableBlock)]
    assert (table.title, table.title_line, table.unit) == ("某县项目资金表", 1, "万元")
    assert [r.number for r in table.header_rows] == [5, 6]
    assert [r.number for r in table.rows] == [7, 8]


def test_a_year_over_a_column_group_is_a_header() -> None:
    text = "地区\t2016 年\t\n\t减贫数（万人）\t退出村（个）\n雁江\t1.33\t17\n"
    (table,) = [b for b in blocks(text) if isinstance(b, TableBlock)]
    assert len(table.header_rows) == 2


def test_a_table_title_naming_a_program_is_not_a_part_of_the_document() -> None:
    text = (
        "某县产业扶贫专项 2021 年实施方案\n一、资金\n附件\n某县产业扶贫专项 2021 年项目计划表\n"
        "某县产业扶贫专项资金来源：\n某县产业扶贫专项分乡镇实施计划（附件 2）\n"
    )
    got = [(b.level, b.title) for b in blocks(text) if isinstance(b, Heading)]
    assert got == [(0, "某县产业扶贫专项 2021 年实施方案"), (1, "资金"), (1, "")]
