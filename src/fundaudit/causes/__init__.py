"""The cause catalogue: why a relation fails. One module per cause, registered here only.

The order of :data:`REGISTRY` is the tie-break between hypotheses that explain as many
relations: the more specific pattern first, ``unexplained`` last. :mod:`fundaudit.causes.localise`
combines the candidates of every cause across all failing relations.
"""

from __future__ import annotations

from fundaudit.causes import (
    blank_cell,
    coarser_rounding,
    decimal_shift,
    digit_typo,
    double_counted_part,
    misplaced_amount,
    omitted_part,
    quarter_rounding,
    revised,
    stale_total,
    transposition,
    truncation,
    unexplained,
    unit_slip,
    unstated_part,
)
from fundaudit.causes._base import Cause, Diagnosis

REGISTRY: tuple[Cause, ...] = (
    revised.CAUSE,
    misplaced_amount.CAUSE,
    unit_slip.CAUSE,
    decimal_shift.CAUSE,
    transposition.CAUSE,
    quarter_rounding.CAUSE,
    blank_cell.CAUSE,
    double_counted_part.CAUSE,
    omitted_part.CAUSE,
    truncation.CAUSE,
    coarser_rounding.CAUSE,
    digit_typo.CAUSE,
    stale_total.CAUSE,
    unstated_part.CAUSE,
    unexplained.CAUSE,
)
CAUSES = {cause.id: cause for cause in REGISTRY}

__all__ = ["CAUSES", "REGISTRY", "Cause", "Diagnosis"]
