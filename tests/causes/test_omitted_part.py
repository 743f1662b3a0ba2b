"""omitted-part: the difference is a figure stated next to the total but not among its parts."""

from __future__ import annotations

from tests.causes.helpers import diagnoses, fig, rel


def test_a_figure_on_the_next_line_fills_the_gap() -> None:
    extra = fig("t::x:另安排", "2000 万元", 11)
    d = diagnoses(
        rel("r", fig("t::x:total", "11000 万元", 10), fig("t::x:a", "8000 万元", 10), fig("t::x:b", "1000 万元", 10)),
        rel("other", extra, fig("t::y:c", "2000 万元", 40), rule="repeat"),
    )["r"]
    assert d.cause == "omitted-part" and d.figures[0].figure.ref == extra.ref and d.figures[0].likely is None
