"""table-cross-foot — in every row, a total column equals the sum of its component columns.

The table's ``column_sums`` state its header hierarchy level by level (合计 → 政府性投入 +
社会资金; 政府性投入 → 行业资金 + 整合资金 …); each level is checked in every row that
states the parent cell. Rows marked ``cross: false`` (a % row) are not summed across.
Empty cells are treated as in ``table-foot``.
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
        for row in table.rows:
            if not row.cross:
                continue
            for parent, children in table.column_sums:
                total = cell(table, row, parent)
                if total is None:
                    continue
                parts: list[Figure] = []
                empty: list[str] = []
                for child in children:
                    fig = cell(table, row, child)
                    if fig is None:
                        empty.append(child)
                    else:
                        parts.append(fig)
                if not parts:
                    continue
                yield Relation(
                    id=f"{doc.id}::{table.path}/{row.id}#table-cross-foot:{parent}",
                    rule="table-cross-foot",
                    kind="sum",
                    total=total,
                    parts=tuple(parts),
                    subject=f"{subject} › {row.label}",
                    what=f"{parent} = {' + '.join(children)}",
                    document=doc.id,
                    program=program,
                    empty=tuple(empty),
                )


RULE = Rule("table-cross-foot", N_("Table rows cross-foot along the header hierarchy"), derive, __doc__ or "")
