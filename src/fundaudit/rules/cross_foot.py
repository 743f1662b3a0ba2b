"""cross-foot — a total equals the sum of its funding-source split.

A stated total (计划安排资金 194.08 亿元) must equal the sum of its stated sources (中央
125.82 + 省级 54.68 + 市县 13.58). A source that is itself split into named channels
(中央资金 = 中央预算内资金 + 中央财政水利发展资金) must equal the sum of its channels. A split
the document states only in part (``split_partial``, or a channel's "含 …" of-which list)
must not exceed its total.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget, SplitEntry
from fundaudit.rules._base import At, Rule, split_figures, walk


def derive(budget: Budget) -> Iterator[Relation]:
    for at in walk(budget):
        node = at.node
        if node.total is not None and node.split:
            parts, missing = split_figures(node.split)
            yield Relation(
                id=f"{at.ref}#cross-foot",
                rule="cross-foot",
                kind="sum-le" if node.split_partial else "sum",
                total=node.total,
                parts=tuple(parts),
                subject=at.subject,
                what="funding sources sum to the total" + (" (partial list)" if node.split_partial else ""),
                document=at.doc.id,
                program=at.program,
                missing=tuple(missing),
            )
        yield from _channels(at, node.split)


def _channels(at: At, entries: tuple[SplitEntry, ...], prefix: str = "") -> Iterator[Relation]:
    for entry in entries:
        path = f"{prefix}{entry.key}"
        if entry.amount is not None and entry.split:
            parts, missing = split_figures(entry.split)
            yield Relation(
                id=f"{at.ref}#cross-foot:{path}",
                rule="cross-foot",
                kind="sum-le" if entry.partial else "sum",
                total=entry.amount,
                parts=tuple(parts),
                subject=at.subject,
                what=f"channels of {entry.key} sum to it" + (" (of which)" if entry.partial else ""),
                document=at.doc.id,
                program=at.program,
                missing=tuple(missing),
            )
        yield from _channels(at, entry.split, f"{path}/")


RULE = Rule("cross-foot", N_("Funding sources sum to the total"), derive, __doc__ or "")
