"""unexplained — no cause of the catalogue explains the relation.

What it says: either one figure off by the difference would make the relation hold but its
digits show no known slip pattern, or no single correction makes the relation hold without
breaking a relation that holds (the diagnosis says which, and when two corrections are needed).

Example: 旅游 合计 38310 万元 (001:396) where the 53 project rows add to 67510 万元.

Correction safety: *possible* at most; the figure named is only the one whose correction
would explain the most relations.
"""

from __future__ import annotations

from collections.abc import Sequence

from fundaudit.causes._base import ERROR, Cause, Edit
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "unexplained"
TEMPLATE = "{detail}"
NO_PATTERN = N_("{culprit} off by the difference ({likely} would hold), no known slip pattern")
NO_SINGLE = N_("no single figure's correction makes it hold without breaking a relation that holds")


def classify(edit: Edit, rels: Sequence[Relation]) -> bool:
    return True


CAUSE = Cause(ID, N_("No known cause"), ERROR, TEMPLATE, __doc__ or "", None, classify)
