"""foot — a total equals the sum of its items.

A program's (or item's) stated total must equal the sum of its sub-projects' totals. An
item that states no total contributes its funding-source split, or its own items; an item
that states neither makes the relation ``incomplete``. Where the document says the list is
partial (``items_partial: true``), the items must not exceed the total.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget, Figure, Node
from fundaudit.rules._base import Rule, split_figures, walk


def contributions(items: tuple[Node, ...]) -> tuple[list[Figure], list[str]]:
    """The figures that make up a list of items, and the names of items that state nothing."""
    figs: list[Figure] = []
    missing: list[str] = []
    for item in items:
        if item.total is not None:
            figs.append(item.total)
            continue
        if item.split and not item.split_partial:
            sub, miss = split_figures(item.split)
            if not miss:
                figs.extend(sub)
                continue
        if item.items:
            sub, miss = contributions(item.items)
            figs.extend(sub)
            missing.extend(miss)
            continue
        missing.append(item.name)
    return figs, missing


def derive(budget: Budget) -> Iterator[Relation]:
    for at in walk(budget):
        node = at.node
        if node.total is None or not node.items:
            continue
        parts, missing = contributions(node.items)
        if not parts:
            continue  # the items carry no amounts: they are not a breakdown of the total
        yield Relation(
            id=f"{at.ref}#foot",
            rule="foot",
            kind="sum-le" if node.items_partial else "sum",
            total=node.total,
            parts=tuple(parts),
            subject=at.subject,
            what="items sum to the total" + (" (partial list)" if node.items_partial else ""),
            document=at.doc.id,
            program=at.program,
            missing=tuple(missing),
        )


RULE = Rule("foot", N_("Items sum to their total"), derive, __doc__ or "")
