"""quarter-rounding: periods rounded separately fall a unit or two short (a warning)."""

from __future__ import annotations

from tests.causes.helpers import diagnoses, fig, rel


def test_quarters_two_short_of_the_year() -> None:
    # 电力 附件 2 七、营销 (001:1808): 4277 万元 for the year, quarters 4275
    qs = [
        fig(f"t::power/r1808:Q{i}", v, 1808)
        for i, v in enumerate(("1000 万元", "1100 万元", "1075 万元", "1100 万元"), 1)
    ]
    d = diagnoses(rel("r", fig("t::power/r1808:2018", "4277 万元", 1808), *qs, rule="table-schedule"))["r"]
    assert d.cause == "quarter-rounding" and d.severity == "warning"


def test_ten_short_is_more_than_rounding() -> None:
    qs = [fig(f"t::p:Q{i}", "1000 万元") for i in range(1, 5)]
    d = diagnoses(rel("r", fig("t::p:year", "4010 万元"), *qs, rule="table-schedule"))["r"]
    assert d.cause != "quarter-rounding"
