"""table-schedule — a table's quarterly columns make up the row's annual figure.

Declared per table as ``schedules: [{kind, of, periods}]``. Incremental quarters sum to the
``of`` column; cumulative quarters (资金支出进度 as running totals) never decrease and the
last stated quarter equals it.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget, Figure
from fundaudit.rules._base import Rule
from fundaudit.rules._tables import cell, tables


def derive(budget: Budget) -> Iterator[Relation]:
    for doc, subject, program, table in tables(budget):
        for spec in table.schedules:
            of, *periods = spec.columns
            for row in table.rows:
                total = cell(table, row, of)
                figs: list[Figure] = []
                empty: list[str] = []
                for p in periods:
                    fig = cell(table, row, p)
                    if fig is None:
                        empty.append(p)
                    else:
                        figs.append(fig)
                if total is None or not figs:
                    continue
                yield Relation(
                    id=f"{doc.id}::{table.path}/{row.id}#table-schedule:{of}",
                    rule="table-schedule",
                    kind="cumulative" if spec.kind == "cumulative" else "sum",
                    total=total,
                    parts=tuple(figs),
                    subject=f"{subject} › {row.label}",
                    what=f"{spec.kind} schedule of {of}",
                    document=doc.id,
                    program=program,
                    empty=tuple(empty) if spec.kind != "cumulative" else (),
                )


RULE = Rule("table-schedule", N_("Quarterly table columns make up the annual figure"), derive, __doc__ or "")
