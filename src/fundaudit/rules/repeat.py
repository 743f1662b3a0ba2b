"""repeat — a figure stated twice in one document says the same both times.

Declared with ``kind: equal``: each part must equal the total, within the rounding the
digits allow (10.97 亿元 in the targets and 10.9742 亿元 in the funding section agree; 10.9
would not).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget
from fundaudit.rules._base import Rule, declared, declared_relation


def derive(budget: Budget) -> Iterator[Relation]:
    for doc, rel in declared(budget, ("equal",)):
        base = declared_relation(budget, doc.id, rel, "repeat", "sum", "the figure is repeated")
        for k, part in enumerate(rel.parts, start=1):
            suffix = "" if len(rel.parts) == 1 else f":{k}"
            yield replace(base, id=f"{base.id}{suffix}", parts=(part,), what=f"{part.label} repeats {rel.total.label}")


RULE = Rule("repeat", N_("A figure repeated in a document agrees with itself"), derive, __doc__ or "")
