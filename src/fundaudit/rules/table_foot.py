"""table-foot — every numeric column of a table's rows foots to its 合计 / 小计 rows.

A ``total`` row sums the detail rows since the previous total, a ``subtotal`` row those
since the previous subtotal, and a row with ``sums:`` the rows it names. Each column not
marked ``foot: false`` is checked. Empty cells are not zero: where the stated cells fall
short of the total, the relation is ``incomplete`` and names the empty cells; where they
reach it, the finding still says which cells were empty.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_, _
from fundaudit.model import Budget, Figure
from fundaudit.rules._base import Rule
from fundaudit.rules._tables import members, tables


def derive(budget: Budget) -> Iterator[Relation]:
    for doc, subject, program, table in tables(budget):
        for total_row, rows in members(table):
            if not rows:
                continue
            for k, col in enumerate(table.columns):
                total = total_row.cells[k]
                if not col.foot or total is None:
                    continue
                parts: list[Figure] = []
                names: list[str] = []
                empty: list[str] = []
                for row in rows:
                    fig = row.cells[k]
                    if fig is None:
                        empty.append(_("{label} (line {line})").format(label=row.label, line=row.source.line))
                    else:
                        parts.append(fig)
                        names.append(row.label)
                if not parts:
                    continue
                yield Relation(
                    id=f"{doc.id}::{table.path}/{total_row.id}#table-foot:{col.name}",
                    rule="table-foot",
                    kind="sum",
                    total=total,
                    parts=tuple(parts),
                    subject=f"{subject} › {total_row.label}",
                    what=f"column {col.name} foots to the {total_row.role} row",
                    document=doc.id,
                    program=program,
                    empty=tuple(empty),
                    names=tuple(names),
                )


RULE = Rule("table-foot", N_("Table columns foot to their 合计 / 小计 rows"), derive, __doc__ or "")
