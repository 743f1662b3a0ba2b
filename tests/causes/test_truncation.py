"""truncation: a figure cut, not rounded, to its written digits (a warning)."""

from __future__ import annotations

from tests.causes.helpers import diagnoses, fig, rel, top


def test_7_38_for_7_3851_wan_ren() -> None:
    # 新村建设 7.38 万 (001:1028) vs 水务 7.3851 万 (1549): rounding would give 7.39
    d = diagnoses(rel("r", fig("t::water:脱贫", "7.3851 万人"), fig("t::village:脱贫", "7.38 万人"), rule="repeat"))[
        "r"
    ]
    assert top(d) == ("truncation", "t::village:脱贫", "7.3851 万人")
    assert d.severity == "warning"


def test_a_whole_total_truncated() -> None:
    # 易地扶贫搬迁 (001:1142): 115513 万元 for 51850 + 49028.8 + 11110 + 3525 = 115513.8
    parts = [
        fig(f"t::reloc:{k}", v)
        for k, v in (("住房", "51850 万元"), ("配套", "49028.8 万元"), ("公共", "11110 万元"), ("其它", "3525 万元"))
    ]
    d = diagnoses(rel("r", fig("t::reloc:total", "115513 万元"), *parts))["r"]
    assert top(d) == ("truncation", "t::reloc:total", "115513.8 万元")


def test_a_rounded_figure_is_no_truncation() -> None:
    d = diagnoses(rel("r", fig("t::a:x", "7.3851 万人"), fig("t::b:x", "7.39 万人"), rule="repeat"))
    assert all(x.cause != "truncation" for x in d.values())
