"""schedule — quarterly or yearly amounts make up the figure they schedule.

An ``incremental`` schedule states each period's own amount: the periods sum to the annual
(or multi-year) figure. A ``cumulative`` schedule states running totals: they never
decrease and the last equals the figure. A schedule the document leaves open (later
years left to 巩固提升) is ``partial``: its periods must not exceed the figure, and the
finding says how much the stated periods leave uncovered. Cumulative schedules stated in
prose are declared as ``relations:`` of ``kind: cumulative``.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget
from fundaudit.rules._base import Rule, declared, declared_relation, node_figure, walk


def derive(budget: Budget) -> Iterator[Relation]:
    for at in walk(budget):
        sched = at.node.schedule
        if sched is None or not sched.periods:
            continue
        target = node_figure(at.node, sched.of)
        kind = "cumulative" if sched.kind == "cumulative" else ("sum-le" if sched.partial else "sum")
        what = f"{sched.kind} schedule of {sched.of}" + (" (partial)" if sched.partial else "")
        if target is None:
            yield Relation(
                id=f"{at.ref}#schedule",
                rule="schedule",
                kind=kind,
                total=sched.periods[0],
                parts=sched.periods,
                subject=at.subject,
                what=what,
                document=at.doc.id,
                program=at.program,
                missing=(f"the scheduled figure {sched.of!r}",),
                location=sched.yaml,
            )
            continue
        yield Relation(
            id=f"{at.ref}#schedule",
            rule="schedule",
            kind=kind,
            total=target,
            parts=sched.periods,
            subject=at.subject,
            what=what,
            document=at.doc.id,
            program=at.program,
            location=sched.yaml,
            note=sched.note,
        )
    for doc, rel in declared(budget, ("cumulative",)):
        yield declared_relation(budget, doc.id, rel, "schedule", "cumulative", "cumulative schedule")


RULE = Rule("schedule", N_("Scheduled periods make up their figure"), derive, __doc__ or "")
