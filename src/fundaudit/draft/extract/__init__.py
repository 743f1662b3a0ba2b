"""Extractors: one module per pattern of the language or layout, run in ``PIPELINE`` order.

Each is an :class:`Extractor` (spaCy-style): the block kinds it reads, the claim kinds it
``requires`` from earlier extractors and those it ``assigns``. ``check_pipeline`` lists any
requirement that no earlier extractor assigns. The module docstring is the user documentation
(``fundaudit draft --list``).
"""

from __future__ import annotations

from fundaudit.draft.extract import (
    figures,
    parallel,
    repeats,
    schedules,
    shares,
    split_columns,
    splits,
    sums,
    table_cost,
    table_periods,
    tables,
    unit_cost,
)
from fundaudit.draft.extract._base import Context, Extractor, Result

__all__ = ["PIPELINE", "Context", "Extractor", "Result", "check_pipeline"]

PIPELINE: tuple[Extractor, ...] = (
    figures.EXTRACTOR,
    tables.EXTRACTOR,
    splits.EXTRACTOR,
    unit_cost.EXTRACTOR,
    table_cost.EXTRACTOR,
    table_periods.EXTRACTOR,
    schedules.EXTRACTOR,
    shares.EXTRACTOR,
    sums.EXTRACTOR,
    repeats.EXTRACTOR,
    parallel.EXTRACTOR,
    split_columns.EXTRACTOR,
)


def check_pipeline(pipeline: tuple[Extractor, ...]) -> list[str]:
    """Requirements that no earlier extractor assigns (empty when the order is sound)."""
    problems = []
    assigned: set[str] = set()
    for ex in pipeline:
        for need in sorted(ex.requires - assigned):
            problems.append(f"{ex.id} requires {need!r}, which no earlier extractor assigns")
        assigned |= ex.assigns
    return problems
