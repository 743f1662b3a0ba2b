"""revised — a later document states the same quantity differently.

What it explains: a cross-document link of kind ``supersedes`` (data/links.yaml) whose figures
differ: the later document revises the earlier one. The verdict is ``revised``, not
``mismatch``: a revision is a fact to report, not an error.

Example: the 2020 notice (000:7: 300 个村, 20 万人) revises the 2018 three-year schedule
(003:36: 173 个, 7.8 万).

Correction safety: a *warning*; nothing to correct.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.causes._base import WARNING, Candidate, Cause, Context
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "revised"
TEMPLATE = N_("revised: {detail} supersedes the earlier {culprit}")


def propose(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    if rel.revision:
        yield Candidate(ID, rel.id, (), detail=rel.revision, extra=rel.parts, relation_only=True)


CAUSE = Cause(ID, N_("A later document revises the figure"), WARNING, TEMPLATE, __doc__ or "", propose)
