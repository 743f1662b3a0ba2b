"""digit-typo — one digit wrong, dropped or doubled (176 for 1716, 9851 for 9850).

What it explains: changing, deleting or inserting one digit of the figure makes the relations
it sits in hold.

Example: 教育 附件 南江县 义务教育“一补” 合计 176 (001:1286) where 1184 + 532 = 1716.

Correction safety: *likely* when the corrected figure makes two or more relations hold or is the
only hypothesis. Never written into the data.
"""

from __future__ import annotations

from collections.abc import Sequence

from fundaudit.causes._base import ERROR, Cause, Edit, digits_at
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "digit-typo"
TEMPLATE = N_("digit slip: {culprit} likely reads {likely}")


def one_digit_apart(a: str, b: str) -> bool:
    """One substitution, deletion or insertion turns ``a`` into ``b``."""
    if a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def classify(edit: Edit, rels: Sequence[Relation]) -> bool:
    old, new = edit.figure.value, edit.value
    if new is None or edit.unit != edit.figure.unit:
        return False
    e = min(old.exponent, new.exponent)
    return one_digit_apart(digits_at(old, e), digits_at(new, e))


CAUSE = Cause(ID, N_("One digit wrong, dropped or doubled"), ERROR, TEMPLATE, __doc__ or "", None, classify)
