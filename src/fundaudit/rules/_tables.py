"""Shared reading of tables: which rows a total row sums, and cells by column name."""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.model import Budget, Document, Figure, Row, Table
from fundaudit.rules._base import walk


def tables(budget: Budget) -> Iterator[tuple[Document, str, str, Table]]:
    """Every table with its document, the subject (names down to it) and its program name."""
    for at in walk(budget):
        for table in at.node.tables:
            yield at.doc, f"{at.subject} › {table.title}", at.program, table


def members(table: Table) -> Iterator[tuple[Row, list[Row]]]:
    """Each total or subtotal row with the detail rows it sums."""
    by_id = {r.id: r for r in table.rows}
    since_sub: list[Row] = []
    since_total: list[Row] = []
    for row in table.rows:
        if row.sums is not None:
            yield row, [by_id[i] for i in row.sums if i in by_id]
        elif row.role == "subtotal":
            yield row, since_sub
            since_sub = []
        elif row.role == "total":
            yield row, since_total
            since_sub, since_total = [], []
        if row.role == "detail" and row.sums is None:
            since_sub = [*since_sub, row]
            since_total = [*since_total, row]


def cell(table: Table, row: Row, column: str) -> Figure | None:
    for col, fig in zip(table.columns, row.cells, strict=True):
        if col.name == column:
            return fig
    return None
