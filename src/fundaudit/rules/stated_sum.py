"""stated-sum — sums the text states outside the program structure.

Declared in a document's ``relations:`` block with ``kind: sum`` (the parts make up the
total) or ``kind: sum-partial`` (the document calls the list partial: the parts must not
exceed the total): lists of contributing provinces, quarterly amounts stated in prose,
per-county breakdowns of a target.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget
from fundaudit.rules._base import Rule, declared, declared_relation


def derive(budget: Budget) -> Iterator[Relation]:
    for doc, rel in declared(budget, ("sum", "sum-partial")):
        partial = rel.kind == "sum-partial"
        yield declared_relation(
            budget,
            doc.id,
            rel,
            "stated-sum",
            "sum-le" if partial else "sum",
            "stated parts sum to the total" + (" (partial list)" if partial else ""),
        )


RULE = Rule("stated-sum", N_("Sums stated in the text"), derive, __doc__ or "")
