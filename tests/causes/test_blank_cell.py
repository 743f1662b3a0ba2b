"""blank-cell: the difference is what an empty cell would hold (a warning)."""

from __future__ import annotations

from fundaudit.findings import Verdict
from fundaudit.judge import verdict
from tests.causes.helpers import diagnoses, fig, rel


def test_the_empty_cell_holds_the_150() -> None:
    # 生态 附件 2 (001:873, 887): 通江县 省以上 小计 is 150 more than its rows, row 46 blank
    r = rel(
        "r",
        fig("t::eco/r873:省以上", "7348.94 万元", 873),
        fig("t::eco/r874:省以上", "7198.94 万元", 874),
        rule="table-foot",
        empty=("46 地质灾害工程治理 (line 887)",),
    )
    assert verdict(r) is Verdict.INCOMPLETE
    d = diagnoses(r)["r"]
    assert d.cause == "blank-cell" and d.severity == "warning" and "150" in d.text and "line 887" in d.text
