"""column-foot — each funding source of a program equals the sum of its items' amounts from that source.

Where a program states its central (provincial, local, …) amount and its sub-projects state
theirs, the program's amount must equal the sum over the sub-projects: the per-source
columns foot. Keys match by their full path: ``省级/提前下达`` is never an item's
``中央/提前下达``; an item may leave out the parent of a channel, so its ``中央预算内资金``
counts toward the program's ``中央/中央预算内资金``. An item whose source is marked
``all: 提前下达`` (均为含提前安排资金) gives its whole amount to that channel; for an "of
which" channel (a ``partial`` split such as 含提前下达), an item that states the parent
source as a plain amount has none of it — the documents say 含… where there is some.
An item funded by one source (``only: 省级``) contributes its total to that source and nothing
to the others; an item with a complete split contributes nothing to sources it does not
list. An item whose amount from the source cannot be known (no split, or a split that does
not break down that channel) makes the relation ``incomplete``. A source no item speaks of
is not a stated relation and is not checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget, Figure, Node, SplitEntry
from fundaudit.rules._base import Rule, split_figures, walk


def _keys(
    entries: tuple[SplitEntry, ...], prefix: str = "", of_which: bool = False
) -> Iterator[tuple[str, SplitEntry, bool]]:
    """Every key path of a split, its entry, and whether it is an "of which" of its parent."""
    for entry in entries:
        path = f"{prefix}{entry.key}"
        yield path, entry, of_which
        yield from _keys(entry.split, f"{path}/", entry.partial)


def _names(entry: SplitEntry) -> set[str]:
    """The keys of every channel below ``entry``."""
    out: set[str] = set()
    for sub in entry.split:
        out |= {sub.key, *_names(sub)}
    return out


def _same(written: list[str], wanted: list[str]) -> bool:
    """Whether a key path an item writes names the program's key path ``wanted``.

    The full paths must agree, except that one may leave out the parents of the other
    (an item's ``中央预算内资金`` is the program's ``中央/中央预算内资金``).
    """
    n = min(len(written), len(wanted))
    return written[-n:] == wanted[-n:]


def _find(entries: tuple[SplitEntry, ...], key: str) -> SplitEntry | None:
    """The item's split entry for the program's key path ``key`` (full path, see ``_same``)."""
    wanted = key.split("/")
    found: list[tuple[int, SplitEntry]] = []
    for path, entry, _ in _keys(entries):
        written = path.split("/")
        if written[-1] == wanted[-1] and _same(written, wanted):
            found.append((0 if written == wanted else 1, entry))
    return min(found, key=lambda f: f[0])[1] if found else None


def _contribution(item: Node, key: str, entry: SplitEntry, of_which: bool = False) -> list[Figure] | None:
    """What ``item`` contributes to source ``key`` (a path such as ``中央/中央预算内资金``).

    ``entry`` is the program's split entry for ``key``; ``of_which`` says it is an "of which"
    channel of its parent (含提前下达 …). ``[]`` means zero (the item states it has nothing
    from that source), ``None`` unknown.
    """
    parts = key.split("/")
    ancestors = ["/".join(parts[:i]) for i in range(1, len(parts))]
    found = _find(item.split, key)
    if found is not None and found.amount is not None:
        return [found.amount]
    if found is not None and found.split and not found.partial:
        figs, missing = split_figures(found.split)  # stated only by its channels
        return None if missing else figs
    if ancestors:
        parent = _find(item.split, ancestors[-1])
        if parent is not None and parent.amount is not None and parent.whole == parts[-1]:
            return [parent.amount]  # 均为…: the whole parent amount is this channel
        if of_which and parent is not None and not parent.split:
            return []  # an "of which" is stated where there is one (含…)
    channels = _names(entry)
    if item.only is not None:
        if item.only == entry.key or (item.only in channels and len(channels) == 1):
            return [item.total] if item.total is not None else None
        if item.only in parts[:-1] or item.only in channels:
            return None  # funded by a parent source, or by one channel among several
        return []
    if item.split and not item.split_partial:
        if any(_find(item.split, a) is not None for a in ancestors):
            return None  # the item states the parent source without breaking it down
        if entry.split and any(_find(item.split, c) is not None for c in channels):
            total: list[Figure] = []
            for sub in entry.split:
                got = _contribution(item, f"{key}/{sub.key}", sub, entry.partial)
                if got is None:
                    return None
                total.extend(got)
            return total
        return []
    if item.items and (item.total is None or not item.split):
        collected: list[Figure] = []
        for child in item.items:
            got = _contribution(child, key, entry, of_which)
            if got is None:
                return None
            collected.extend(got)
        return collected
    return None


def _unknown(item: Node, key: str, entry: SplitEntry, of_which: bool) -> list[str]:
    """The items, as deep as a group goes, whose contribution to ``key`` is not stated."""
    if item.items and (item.total is None or not item.split):
        names = [
            f"{item.name} › {name}"
            for child in item.items
            if _contribution(child, key, entry, of_which) is None
            for name in _unknown(child, key, entry, of_which)
        ]
        if names:
            return names
    return [item.name]


def derive(budget: Budget) -> Iterator[Relation]:
    for at in walk(budget):
        node = at.node
        if not node.items or not node.split:
            continue
        for key, entry, of_which in _keys(node.split):
            if entry.amount is None:
                continue
            parts: list[Figure] = []
            missing: list[str] = []
            for item in node.items:
                got = _contribution(item, key, entry, of_which)
                if got is None:
                    missing.extend(_unknown(item, key, entry, of_which))
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
