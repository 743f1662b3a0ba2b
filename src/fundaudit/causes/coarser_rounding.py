"""coarser-rounding — a figure is another statement of the same quantity rounded to fewer digits.

What it explains: the prose states a whole number (48 亿元, 723 万元) where the 附件 or the
exact product has more digits (480105 万元, 722.8 万元) that round to it. Under the default
tolerance a whole number counts as exact, so the relation is a mismatch; `--tolerance
digits-all` accepts it.

Example: 新村集中供气 省级资金 723 万元 (001:1941) vs 1390 户 × 5200 元 = 722.8 万元.

Correction safety: a *warning*: the figure is a correct rounding; nothing to correct.
"""

from __future__ import annotations

from collections.abc import Sequence

from fundaudit.causes._base import WARNING, Cause, Edit, near_reading, rounded
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "coarser-rounding"
TEMPLATE = N_("rounded: {culprit} is {likely} rounded to its written digits")


def classify(edit: Edit, rels: Sequence[Relation]) -> bool:
    return near_reading(edit, rounded, rels)


CAUSE = Cause(ID, N_("A figure rounded to fewer digits"), WARNING, TEMPLATE, __doc__ or "", None, classify)
