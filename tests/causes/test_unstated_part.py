"""unstated-part: a part the document does not state (a warning)."""

from __future__ import annotations

from tests.causes.helpers import diagnoses, fig, rel


def test_a_missing_part_is_named() -> None:
    r = rel(
        "r",
        fig("t::water:市县", "7.78 亿元"),
        fig("t::water/a:市县", "1 亿元"),
        missing=("水生态治理",),
        rule="column-foot",
    )
    d = diagnoses(r)["r"]
    assert d.cause == "unstated-part" and d.severity == "warning" and "水生态治理" in d.text
