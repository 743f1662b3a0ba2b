"""cross-document — the same quantity stated in two documents agrees.

Declared in ``links:`` (data/links.yaml): each linked figure must equal the first, within
the rounding their digits allow. A province's 2020 target in the 2020 program plan and in
the three-year schedule; a plan's total and the same total restated elsewhere.

A link of ``kind: supersedes`` says the first figure's document revises the others (a later
plan restating a target): a difference is then the verdict ``revised``, a fact to report
(severity warning), not a ``mismatch``.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import REVISED_BY, Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget
from fundaudit.rules._base import Rule, program_name


def derive(budget: Budget) -> Iterator[Relation]:
    for link in budget.links:
        first = link.total
        for k, part in enumerate(link.parts, start=1):
            doc_a = first.ref.split("::", 1)[0]
            doc_b = part.ref.split("::", 1)[0]
            program = program_name(budget, first)
            yield Relation(
                id=f"{link.id}#cross-document" + ("" if len(link.parts) == 1 else f":{k}"),
                rule="cross-document",
                kind="sum",
                total=first,
                parts=(part,),
                subject=f"{program} › {link.note}" if link.note else program,
                what=f"{doc_a} {first.source} and {doc_b} {part.source} state the same figure",
                document=doc_a,
                program=program,
                location=link.yaml,
                note=f"{REVISED_BY}{doc_a} {first.source}: {link.note or ''}"
                if link.kind == "supersedes"
                else link.note,
            )


RULE = Rule("cross-document", N_("Figures linked across documents agree"), derive, __doc__ or "")
