"""blank-cell — the difference is what an empty table cell would hold.

What it explains: a table total that exceeds its stated cells (verdict ``incomplete``) while a
cell of its column or row is left empty: the empty cell holds the difference.

Example: 生态 附件 2 通江县 省以上 小计 7348.94 (001:873) is 150 more than its rows; row 46
(001:887) leaves its 省以上 cell blank while its 合计 says 150.

Correction safety: a *warning*: the document leaves the cell blank; nothing to correct.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.causes._base import WARNING, Candidate, Cause, Context, difference
from fundaudit.findings import Relation
from fundaudit.i18n import N_, _

ID = "blank-cell"
TEMPLATE = N_("blank cell: {detail} likely holds the {difference} {unit} the stated cells lack")


def propose(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    diff = difference(rel)
    if rel.empty and rel.kind == "sum" and diff is not None and diff > 0:
        cells = rel.empty[0] if len(rel.empty) == 1 else _("one of {cells}").format(cells=_(", ").join(rel.empty))
        yield Candidate(ID, rel.id, (), detail=cells, relation_only=True)


CAUSE = Cause(ID, N_("An empty cell holds the difference"), WARNING, TEMPLATE, __doc__ or "", propose)
