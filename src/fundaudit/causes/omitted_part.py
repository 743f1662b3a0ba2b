"""omitted-part — the difference equals a figure stated next to the relation but not among its parts.

What it explains: a total exceeds its parts by exactly an amount stated within a few source
lines of it (same YAML file, same dimension): that amount was left out of the list of parts
(in the document or in the data).

Example: 资金 12000 over 8000 + 2000, with 另安排 2000 stated on the next line.

Correction safety: *possible*: the data may need that figure among the parts.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.causes._base import ERROR, Candidate, Cause, Context, base_value, difference, holds_with
from fundaudit.findings import Relation
from fundaudit.i18n import N_

ID = "omitted-part"
TEMPLATE = N_("omitted part: the parts lack exactly {culprit}")
LINES = 5  # how far from the total (in source lines) an omitted figure may stand


def propose(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    diff = difference(rel)
    if rel.kind != "sum" or diff is None or diff <= 0:
        return
    inside = {f.ref for f in (rel.total, *rel.parts)}
    at = rel.total.source
    for fig in (
        f
        for line in range(at.line - LINES, at.line + LINES + 1)
        for f in ctx.nearby_on(rel.total.yaml.file, at.file, line)
    ):
        if (
            fig.ref not in inside
            and fig.unit.dimension == rel.total.unit.dimension
            and base_value(fig.value, fig.unit) == diff
            and holds_with(rel, {}, ctx.tolerance, (fig,))
        ):
            yield Candidate(ID, rel.id, (), extra=(fig,), relation_only=True)
            return


CAUSE = Cause(ID, N_("A part left out"), ERROR, TEMPLATE, __doc__ or "", propose)
