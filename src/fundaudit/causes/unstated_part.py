"""unstated-part — the relation cannot be checked: the document does not state one of its parts.

What it explains: an ``incomplete`` relation whose missing parts are named (a sentence breaks
off, or states one funding source only). Nothing is wrong with a figure; the document is
silent.

Example: 水务 山洪灾害防治 and 水土保持 (001:1607–1611) state only their central and
provincial part, so the program's 市县 and 其他 columns cannot be footed.

Correction safety: a *warning*; nothing to correct.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.causes._base import WARNING, Candidate, Cause, Context
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "unstated-part"
TEMPLATE = N_("not stated in the document: {detail}")


def propose(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    if rel.missing:
        yield Candidate(ID, rel.id, (), detail=", ".join(rel.missing), relation_only=True)


CAUSE = Cause(ID, N_("A part the document does not state"), WARNING, TEMPLATE, __doc__ or "", propose)
