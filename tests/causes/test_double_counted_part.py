"""double-counted-part: the total counts one part twice."""

from __future__ import annotations

from tests.causes.helpers import diagnoses, fig, rel


def test_the_total_exceeds_its_parts_by_one_part() -> None:
    a = fig("t::x:a", "517 万元")
    d = diagnoses(rel("r", fig("t::x:total", "1534 万元"), a, fig("t::x:b", "500 万元")))["r"]
    assert d.cause == "double-counted-part" and d.figures[0].figure.ref == a.ref
