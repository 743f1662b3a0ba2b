"""quarter-rounding — a schedule whose periods were rounded down (or up) separately.

What it explains: the periods of a schedule (quarters, years) fall short of (or exceed) the
annual figure by no more than one unit of their last digit per period: each period was rounded
on its own.

Example: 电力 附件 2 七、营销 (001:1808): 2018 年投资 4277 万元, quarters add to 4275.

Correction safety: a *warning*: the periods are each a rounding; nothing to correct.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from fundaudit.causes._base import WARNING, Candidate, Cause, Context, difference
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "quarter-rounding"
TEMPLATE = N_("periods rounded separately: the {count} periods are {difference} {unit} off {culprit}")
RULES = frozenset({"schedule", "table-schedule"})


def propose(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    diff = difference(rel)
    if rel.rule not in RULES or diff is None or diff == 0 or rel.kind != "sum":
        return
    unit = max(p.value.exponent + p.unit.pow10 for p in rel.parts)  # the coarsest period
    if abs(diff) <= len(rel.parts) * Fraction(10) ** unit:
        yield Candidate(ID, rel.id, (), detail=str(len(rel.parts)), relation_only=True)


CAUSE = Cause(ID, N_("Periods rounded separately"), WARNING, TEMPLATE, __doc__ or "", propose)
