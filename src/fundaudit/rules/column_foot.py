"""column-foot — each funding source of a program equals the sum of its items' amounts from that source.

Where a program states its central (provincial, local, …) amount and its sub-projects state
theirs, the program's amount must equal the sum over the sub-projects: the per-source
columns foot. Keys match at any depth, so an item's ``中央预算内资金`` counts toward the
program's ``中央/中央预算内资金``. An item funded by one source (``only: 省级``) contributes
its total to that source and nothing to the others; an item with a complete split
contributes nothing to sources it does not list. An item whose amount from the source
cannot be known (no split, or a split that does not break down that channel) makes the
relation ``incomplete``. A source no item speaks of is not a stated relation and is not
checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget, Figure, Node, SplitEntry
from fundaudit.rules._base import Rule, find_split, split_figures, walk


def _keys(entries: tuple[SplitEntry, ...], prefix: str = "") -> Iterator[tuple[str, SplitEntry]]:
    for entry in entries:
        path = f"{prefix}{entry.key}"
        yield path, entry
        yield from _keys(entry.split, f"{path}/")


def _names(entry: SplitEntry) -> set[str]:
    """The keys of every channel below ``entry``."""
    out: set[str] = set()
    for sub in entry.split:
        out |= {sub.key, *_names(sub)}
    return out


def _contribution(item: Node, key: str, entry: SplitEntry) -> list[Figure] | None:
    """What ``item`` contributes to source ``key`` (a path such as ``中央/中央预算内资金``).

    ``entry`` is the program's split entry for ``key``. ``[]`` means zero (the item states it
    has nothing from that source), ``None`` unknown.
    """
    ancestors = key.split("/")[:-1]
    found = find_split(item.split, key)
    if found is not None and found.amount is not None:
        return [found.amount]
    if found is not None and found.split and not found.partial:
        figs, missing = split_figures(found.split)  # stated only by its channels
        return None if missing else figs
    channels = _names(entry)
    if item.only is not None:
        if item.only == entry.key or (item.only in channels and len(channels) == 1):
            return [item.total] if item.total is not None else None
        if item.only in ancestors or item.only in channels:
            return None  # funded by a parent source, or by one channel among several
        return []
    if item.split and not item.split_partial:
        if any(find_split(item.split, a) is not None for a in ancestors):
            return None  # the item states the parent source without breaking it down
        if entry.split and any(find_split(item.split, c) is not None for c in channels):
            total: list[Figure] = []
            for sub in entry.split:
                got = _contribution(item, f"{key}/{sub.key}", sub)
                if got is None:
                    return None
                total.extend(got)
            return total
        return []
    if item.items and (item.total is None or not item.split):
        collected: list[Figure] = []
        for child in item.items:
            got = _contribution(child, key, entry)
            if got is None:
                return None
            collected.extend(got)
        return collected
    return None


def derive(budget: Budget) -> Iterator[Relation]:
    for at in walk(budget):
        node = at.node
        if not node.items or not node.split:
            continue
        for key, entry in _keys(node.split):
            if entry.amount is None:
                continue
            parts: list[Figure] = []
            missing: list[str] = []
            for item in node.items:
                got = _contribution(item, key, entry)
                if got is None:
                    missing.append(item.name)
                else:
                    parts.extend(got)
            if not parts:
                continue  # no item states this source: nothing stated to check
            yield Relation(
                id=f"{at.ref}#column-foot:{key}",
                rule="column-foot",
                kind="sum-le" if node.items_partial else "sum",
                total=entry.amount,
                parts=tuple(parts),
                subject=at.subject,
                what=f"items' {key} amounts sum to the {key} total",
                document=at.doc.id,
                program=at.program,
                missing=tuple(missing),
            )


RULE = Rule(
    "column-foot",
    N_("Per-source columns of the items sum to the program's per-source totals"),
    derive,
    __doc__ or "",
)
