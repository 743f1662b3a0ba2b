"""double-counted-part — the total counts one of its parts twice.

What it explains: the total exceeds the sum of its parts by exactly one part.

Example: a 合计 of 1500 over rows 500 and 500 and 0: one 500 was added twice.

Correction safety: *possible* unless the same part explains two relations.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.causes._base import ERROR, Candidate, Cause, Context, base_value, difference, holds_with
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "double-counted-part"
TEMPLATE = N_("part counted twice: the total exceeds its parts by exactly {culprit}")


def propose(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    diff = difference(rel)
    if rel.kind != "sum" or diff is None or diff <= 0 or len(rel.parts) < 2:
        return
    for p in rel.parts:
        if base_value(p.value, p.unit) == diff and holds_with(rel, {}, ctx.tolerance, (p,)):
            yield Candidate(ID, rel.id, (), extra=(p,), relation_only=True)
            return


CAUSE = Cause(ID, N_("A part counted twice"), ERROR, TEMPLATE, __doc__ or "", propose)
