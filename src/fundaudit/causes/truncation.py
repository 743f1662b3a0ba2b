"""truncation — a stated figure is the true value cut (not rounded) to its written digits.

What it explains: another statement of the same quantity, or the relation's exact result,
cut to the figure's last written digit gives the figure, while rounding it would not.

Example: 新村建设 7.38 万 (001:1028) for 7.3851 万 (rounding gives 7.39); 12.34 万亩 for
123493.17 亩; 51.9 % for 51.95 %.

Correction safety: a *warning*, not an error — the figure is what its digits allow when read
as truncated. The likely value is the exact one; nothing to correct in the data.
"""

from __future__ import annotations

from collections.abc import Sequence

from fundaudit.causes._base import WARNING, Cause, Edit, near_reading, rounded, truncated
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "truncation"
TEMPLATE = N_("truncated: {culprit} is {likely} cut to its written digits")


def classify(edit: Edit, rels: Sequence[Relation]) -> bool:
    return near_reading(edit, truncated, rels) and not near_reading(edit, rounded, rels)


CAUSE = Cause(ID, N_("A figure cut to its written digits"), WARNING, TEMPLATE, __doc__ or "", None, classify)
