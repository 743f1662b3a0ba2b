"""unit-slip — a figure written in the wrong unit (元 / 万元 / 亿元; 人 / 万人; 亩 / 万亩).

What it explains: read in another unit of its ladder, the figure makes the relations it sits
in hold; or the figure is the only one in its unit among figures in a common one (``1000 元``
among 万元) and, read in the common unit with the digits the relations ask for, they hold.

Example: 水务 银行贷款 "1000元" (001:1595) among 万元 figures; the 附件 and the item's parts
both give 10000 万元: the likely correction is ``10000 万元``.

Correction safety: *likely* when the corrected figure makes two or more relations hold, or
when it is the only hypothesis; never written into the data (the data keeps the document's
slip as written).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from fundaudit.causes._base import (
    ERROR,
    Candidate,
    Cause,
    Context,
    Edit,
    holds_with,
    sibling_units,
    significant,
    targets,
    written,
)
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "unit-slip"
TEMPLATE = N_("likely unit slip: {culprit} reads as {likely}")


def propose(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    figs = (rel.total, *rel.parts)
    for fig in figs:
        for unit in sibling_units(fig.unit):
            edit = Edit(fig, fig.value, unit)
            if ctx.near_target(rel, fig, fig.value, unit) and holds_with(rel, {fig.ref: edit.applied()}, ctx.tolerance):
                yield Candidate(ID, rel.id, (edit,))
    units = [f.unit for f in figs]
    count = Counter(units)  # once: a table column of thousands of rows
    odd = [f for f in figs if count[f.unit] == 1]
    common = [u for u in units if count[u] > 1]
    if len(odd) == 1 and common and len(figs) >= 3 and odd[0].unit in (*sibling_units(common[0]), common[0]):
        fig, unit = odd[0], common[0]
        for f, target in targets(rel):
            if f is fig:
                w = written(target * 10**fig.unit.pow10 / 10**unit.pow10, 4)
                if w is not None and w.coefficient > 0:
                    yield Candidate(ID, rel.id, (Edit(fig, w, unit),), detail="odd-unit")


def classify(edit: Edit, rels: Sequence[Relation]) -> bool:
    """The unit changes and the significant digits stay (1000 元 → 10000 万元, not 1.31 亿 → 13181.5 万)."""
    return (
        edit.value is not None
        and edit.unit != edit.figure.unit
        and significant(edit.value) == significant(edit.figure.value)
    )


CAUSE = Cause(ID, N_("A figure written in the wrong unit"), ERROR, TEMPLATE, __doc__ or "", propose, classify)
