"""unit-cost — unit cost × quantity = amount, where a table (or the text) states all three.

Declared per table as ``products: [{amount, price, quantity}]``, checked in each row that
states all three cells; or as an explicit ``kind: product`` relation. The price's unit is
compound (万元/公里, 元/人) and must cancel the quantity's unit into the amount's. The
tolerance is the rounding of all three stated figures.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget
from fundaudit.rules._base import Rule, declared, declared_relation
from fundaudit.rules._tables import cell, tables


def derive(budget: Budget) -> Iterator[Relation]:
    for doc, subject, program, table in tables(budget):
        for spec in table.products:
            amount_col, price_col, qty_col = spec.columns
            for row in table.rows:
                amount = cell(table, row, amount_col)
                price = cell(table, row, price_col)
                qty = cell(table, row, qty_col)
                if amount is None or price is None or qty is None:
                    continue
                yield Relation(
                    id=f"{doc.id}::{table.path}/{row.id}#unit-cost",
                    rule="unit-cost",
                    kind="product",
                    total=amount,
                    parts=(price, qty),
                    subject=f"{subject} › {row.label}",
                    what=f"{amount_col} = {price_col} × {qty_col}",
                    document=doc.id,
                    program=program,
                )
    for doc, rel in declared(budget, ("product",)):
        yield declared_relation(budget, doc.id, rel, "unit-cost", "product", "amount = unit cost × quantity")


RULE = Rule("unit-cost", N_("Unit cost × quantity = amount"), derive, __doc__ or "")
