"""Short documents written for the tests, in shapes the seeds do not have, each with its expected encoding.

For each document: the draft loads, every drafted figure verifies on its cited line, the
findings are the expected ones (rule, source line, verdict), and the written draft equals
``tests/draft/expected/<name>.yaml`` (regenerate with ``UPDATE_EXPECTED=1`` after a review).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fundaudit.draft.build import write_draft
from fundaudit.loader import load
from fundaudit.provenance.verify import verify
from fundaudit.runner import run
from tests.draft.fixtures import make_docx, make_pdf

DOCS = Path(__file__).parent / "docs"
EXPECTED = Path(__file__).parent / "expected"

# document -> (figures, every relation as (rule, source line, verdict))
CASES: dict[str, tuple[int, list[tuple[str, int, str]]]] = {
    # a county plan: prose split and a table of projects × sources with a 合计 row
    "county_plan.txt": (
        22,
        [("cross-foot", 9, "match")]
        + [("table-cross-foot", line, "match") for line in (18, 19, 20, 21)]
        + [("table-foot", 21, "match")] * 4
        + [("repeat", 9, "match")] * 4,  # the text = the 合计 row: 1500, 700, 400 by words, 2600 by place
    ),
    # a budget-execution notice: 截至 9 月底 is a date, the quarters a stated sum
    "execution_notice.txt": (
        10,
        [("cross-foot", 7, "match"), ("stated-sum", 11, "match"), ("repeat", 7, "match")],  # 8.6 亿元 twice
    ),
    # a real slip planted: 8.2 + 3.1 + 1.8 ≠ 12.5, and so the items' 市县 do not foot
    "slip.txt": (
        11,
        [
            ("cross-foot", 5, "mismatch"),
            ("foot", 5, "match"),
            ("column-foot", 5, "match"),
            ("column-foot", 5, "match"),
            ("column-foot", 5, "mismatch"),
            ("cross-foot", 9, "match"),
            ("cross-foot", 11, "match"),
        ],
    ),
    # an itemised list under a total, a unit cost × quantity, percentage shares
    "itemised.txt": (8, [("foot", 5, "match"), ("shares", 21, "match"), ("unit-cost", 17, "match")]),
    # a funding summary by the headings of the tasks (资金筹措's （一） takes the items of the tasks'
    # （一）), a bound that chooses the projects listed (投入 100 万元以上项目为：), a total 为省级财政资金;
    # a real slip planted: 1.35 亿元 for （一） whose items and sources make 1.25
    "summary.txt": (
        23,
        [("column-foot", line, "match") for line in (23, 23, 27, 27, 31, 31)]
        + [("cross-foot", line, "match") for line in (9, 15, 23, 31)]
        + [("cross-foot", 27, "mismatch"), ("foot", 23, "mismatch"), ("foot", 27, "mismatch")]
        + [("foot", 31, "match"), ("foot", 35, "match")]
        + [("repeat", line, "match") for line in (9, 15, 19, 19)],  # a lone item's sources restated
    ),
    # GB18030 bytes
    "gb18030.txt": (6, [("cross-foot", 5, "match")]),
    # a web page: a table of 区县 × 季度 (scripts, navigation and the footer's phone are not read)
    "quarters.html": (
        21,
        [("table-cross-foot", line, "match") for line in (8, 9, 10, 11)]
        + [("table-foot", 11, "match")] * 5
        + [("repeat", 3, "match")],  # 1860 万元 in the text = the table's 合计
    ),
    # a multi-level header: 投入资金（万元） over 合计 中央 省级 县级 社会投入, a 覆盖贫困村（个） column
    "multilevel.txt": (
        24,
        [("table-cross-foot", line, "match") for line in (5, 6, 7, 8)] + [("table-foot", 8, "match")] * 6,
    ),
    # a Word file (generated): paragraphs and a table with units in its header
    "plan.docx": (
        10,
        [("cross-foot", 5, "match"), ("table-foot", 13, "match"), ("table-foot", 13, "match")],
    ),
    # a PDF with a text layer (generated): prose split and a ruled table
    "report.pdf": (
        12,
        [("cross-foot", 2, "match")]
        + [("table-cross-foot", line, "match") for line in (6, 7, 8)]
        + [("table-foot", 8, "match")] * 3
        + [("repeat", 2, "match")] * 3,  # 中央, 省级 by their words, 180 by its place in the list
    ),
}


def _document(name: str, tmp_path: Path) -> Path:
    if name == "plan.docx":
        return make_docx(tmp_path / name)
    if name == "report.pdf":
        return make_pdf(tmp_path / name)
    return DOCS / name


@pytest.mark.parametrize("name", sorted(CASES))
def test_document(name: str, tmp_path: Path) -> None:
    figures, relations = CASES[name]
    written = write_draft(_document(name, tmp_path), tmp_path / "out")
    budget = load(written.entry)
    assert len(budget.figures) == figures
    result = verify(budget, written.source.parent)
    assert result.unverified == (), [str(u) for u in result.unverified]
    audit = run(budget)
    got = sorted((f.rule, f.source.line, f.verdict.value) for f in audit.findings)
    assert got == sorted(relations)
    assert all(f.drafted for f in audit.findings)
    text = written.part.read_text(encoding="utf-8")
    expected = EXPECTED / (Path(name).stem + ".yaml")
    if os.environ.get("UPDATE_EXPECTED"):
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")


def test_at_least_eight_documents() -> None:
    assert len(CASES) >= 8


def test_a_funding_summary_takes_the_items_of_its_own_program_only(tmp_path: Path) -> None:
    doc = tmp_path / "two.txt"
    doc.write_text(
        "某县产业扶贫专项 2021 年实施方案\n\n一、重点任务\n\n（一）基地建设工程\n\n"
        "1. 茶叶基地。计划投入中央资金 0.06 亿元。\n\n2. 果园。计划投入省级资金 0.05 亿元。\n\n"
        "某县教育扶贫专项 2021 年实施方案\n\n一、重点任务\n\n（一）基地建设工程\n\n"
        "1. 实训基地。计划投入省级资金 0.1 亿元。\n\n二、资金筹措\n\n（一）基地建设工程\n\n"
        "计划安排资金 0.1 亿元，为省级财政资金。\n",
        encoding="utf-8",
    )
    budget = load(write_draft(doc, tmp_path / "out").entry)
    feet = [(f.source.line, sorted(p.source.line for p in f.parts)) for f in run(budget).findings if f.rule == "foot"]
    # 0.1 亿元 of the 教育 summary over the 教育 item, not over the 产业 ones (0.06 + 0.05 would be plausible)
    assert feet == [(23, [17])]
