"""transposition — two adjacent digits swapped (8247 for 8427).

What it explains: swapping two neighbouring digits of the figure makes the relations it sits
in hold.

Example: a 合计 of 9581 whose rows add to 9851.

Correction safety: *likely* when the swapped figure makes two or more relations hold or is the
only hypothesis. Never written into the data.
"""

from __future__ import annotations

from collections.abc import Sequence

from fundaudit.causes._base import ERROR, Cause, Edit, digits_at
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "transposition"
TEMPLATE = N_("transposed digits: {culprit} likely reads {likely}")


def classify(edit: Edit, rels: Sequence[Relation]) -> bool:
    old, new = edit.figure.value, edit.value
    if new is None or edit.unit != edit.figure.unit:
        return False
    e = min(old.exponent, new.exponent)
    a, b = digits_at(old, e), digits_at(new, e)
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


CAUSE = Cause(ID, N_("Two adjacent digits swapped"), ERROR, TEMPLATE, __doc__ or "", None, classify)
