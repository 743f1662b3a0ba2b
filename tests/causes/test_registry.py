"""The catalogue: every cause documented as its module docstring, registered once, in order."""

from __future__ import annotations

from fundaudit.causes import CAUSES, REGISTRY


def test_every_cause_has_its_documentation() -> None:
    for cause in REGISTRY:
        first = cause.doc.strip().splitlines()[0]
        assert first.startswith(f"{cause.id} — "), first
        assert "Correction safety:" in cause.doc, cause.id
        assert "Example" in cause.doc, cause.id
        assert cause.severity in ("error", "warning")


def test_ids_are_unique_and_unexplained_is_last() -> None:
    assert len(CAUSES) == len(REGISTRY)
    assert REGISTRY[-1].id == "unstated-part" or REGISTRY[-1].id == "unexplained"
    assert {
        "unit-slip",
        "decimal-shift",
        "digit-typo",
        "transposition",
        "truncation",
        "coarser-rounding",
        "misplaced-amount",
        "omitted-part",
        "double-counted-part",
        "stale-total",
        "blank-cell",
        "quarter-rounding",
        "revised",
        "unexplained",
    } <= set(CAUSES)


def test_the_severities_the_issue_asks_for() -> None:
    warnings = {c.id for c in REGISTRY if c.severity == "warning"}
    assert warnings == {"truncation", "coarser-rounding", "blank-cell", "quarter-rounding", "revised", "unstated-part"}
