"""decimal-shift — the right digits with the decimal point lost or moved (× 10^k).

What it explains: the figure's significant digits, with the point moved by one to four places,
make the relations it sits in hold.

Example: the 教育 附件 合计 row (001:1283) writes 331015 where its column sums to 33101.5 and
92665 for 9266.5: the point was lost.

Correction safety: *likely* when the shifted figure makes two or more relations hold or is the
only hypothesis; *possible* otherwise. Never written into the data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fundaudit.causes._base import (
    ERROR,
    Candidate,
    Cause,
    Context,
    Edit,
    holds_with,
    near_value,
    product_shifts,
    same_value,
    shifted,
    significant,
)
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "decimal-shift"
TEMPLATE = N_("decimal point slip: {culprit} likely reads {likely}")
SHIFTS = (-4, -3, -2, -1, 1, 2, 3, 4)


def propose(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    for fig in (rel.total, *rel.parts):
        if fig.value.coefficient == 0:
            continue
        product = rel.kind == "product"  # no 5 % filter (see Context.near_target): a bound instead
        may = product_shifts(rel, fig) if product else None
        target = None if product else ctx.target(rel, fig)
        c, e = fig.value.coefficient, fig.value.exponent + fig.unit.pow10
        for k in SHIFTS:
            if may(k) if may is not None else near_value(target, c, e + k):  # before the value is written
                edit = Edit(fig, shifted(fig.value, k), fig.unit)
                if holds_with(rel, {fig.ref: edit.applied()}, ctx.tolerance):
                    yield Candidate(ID, rel.id, (edit,))


def classify(edit: Edit, rels: Sequence[Relation]) -> bool:
    old, new = edit.figure.value, edit.value
    if new is None or edit.unit != edit.figure.unit or old.coefficient == 0:
        return False
    return significant(old) == significant(new) and not same_value(old, new)


CAUSE = Cause(ID, N_("Right digits, decimal point lost or moved"), ERROR, TEMPLATE, __doc__ or "", propose, classify)
