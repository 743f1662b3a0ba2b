"""stale-total — a total disagrees while its parts agree with every other relation they are in.

What it explains: the total (a 合计, a program's amount) set to the sum of its parts makes the
relation hold, and no part is wrong elsewhere: the total was not updated after a part changed.

Example: 水务 中小河流治理 8247 万元 (001:1605) where its parts 7890 + 357 + 186 and the 附件
give 8433; 商务 合计 22700 where the rows add to 22900.

Correction safety: *likely* when the corrected total makes two or more relations hold;
*possible* otherwise. Never written into the data.
"""

from __future__ import annotations

from collections.abc import Sequence

from fundaudit.causes._base import ERROR, Cause, Edit
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "stale-total"
TEMPLATE = N_("stale total: {culprit} should be the parts' {likely}")


def classify(edit: Edit, rels: Sequence[Relation]) -> bool:
    return edit.value is not None and any(
        r.total.ref == edit.figure.ref and r.kind in ("sum", "sum-le") and len(r.parts) > 1 for r in rels
    )


CAUSE = Cause(ID, N_("A total not updated after its parts changed"), ERROR, TEMPLATE, __doc__ or "", None, classify)
