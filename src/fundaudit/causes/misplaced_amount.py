"""misplaced-amount — an amount booked in the wrong row or column.

What it explains: two failing relations with equal and opposite differences (+190 and −190)
that each hold when one figure of a shared table row (or column) gives the amount to the other.
The two figures stand on one line of one YAML file (a line number of another file is no row).

Example: 教育 附件 合计 row (001:1283): 190 万元 of 南江县's 中央、省 belongs to 平昌县.

Correction safety: *likely* when the two edits make both relations hold and break nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.causes._base import (
    ERROR,
    Candidate,
    Cause,
    Context,
    Edit,
    holds_with,
    targets,
    written,
)
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "misplaced-amount"
TEMPLATE = N_("amount booked in the wrong place: {detail} belongs to {likely}")


def propose(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    diff = ctx.difference(rel)
    if diff is None or diff == 0:
        return
    mine = {f.ref for f in (rel.total, *rel.parts)}
    lines = {f.yaml for f in (rel.total, *rel.parts)}  # a pair shares a YAML line: the others are not looked at
    for other in ctx.failing_with_difference_on(-diff, lines, besides=mine):
        if other.id <= rel.id:
            continue
        if mine & {f.ref for f in (other.total, *other.parts)}:
            continue
        for f1, t1 in targets(rel):
            for f2, t2 in targets(other):
                if f1.yaml != f2.yaml or f1.unit != f2.unit:
                    continue
                w1, w2 = written(t1), written(t2)
                if w1 is None or w2 is None or w1.coefficient < 0 or w2.coefficient < 0:
                    continue
                e1, e2 = Edit(f1, w1, f1.unit), Edit(f2, w2, f2.unit)
                subs = {f1.ref: e1.applied(), f2.ref: e2.applied()}
                if holds_with(rel, subs, ctx.tolerance) and holds_with(other, subs, ctx.tolerance):
                    yield Candidate(ID, rel.id, (e1, e2))


CAUSE = Cause(ID, N_("An amount booked in the wrong row or column"), ERROR, TEMPLATE, __doc__ or "", propose)
