"""unexplained: no cause fits; the diagnosis says why."""

from __future__ import annotations

from fundaudit.causes._base import Applicability
from tests.causes.helpers import diagnoses, fig, rel


def test_no_single_correction_without_breaking_a_holding_relation() -> None:
    # every figure of the failing relation is held by another relation: none can move
    a, b, t = fig("t::x:a", "38 万元"), fig("t::x:b", "29 万元"), fig("t::x:total", "91 万元")
    found = diagnoses(
        rel("r", t, a, b),
        rel("ha", fig("t::y:a", "38 万元"), a, rule="repeat"),
        rel("hb", fig("t::y:b", "29 万元"), b, rule="repeat"),
        rel("ht", fig("t::y:t", "91 万元"), t, rule="repeat"),
    )
    d = found["r"]
    assert d.cause == "unexplained" and d.severity == "error" and "breaking" in d.text
    assert d.applicability is Applicability.POSSIBLE and d.root == "r"
