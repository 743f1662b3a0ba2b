"""Funding-source names (split keys and ``only:``) checked against the document's own sources.

A split key or an ``only:`` that names no source of its document would silently drop an
item out of every column: ``only: 省级级`` is not counted under 省级, and the column foot
then reports a mismatch the document does not have. The known sources of a document are
the keys of its programs' splits (at any depth) and its programs' ``only:``, across all its
files. Refused, with a "did you mean":

- an item's split key or ``only:`` that is not a known source (an item's channels, the keys
  nested under a known source, are its own), in a program that states its own split or
  ``only:`` (a program without one has no column foot an item could drop out of);
- a program's split key or ``only:`` used once in the document that is one character off a
  source the document uses more often (``省级级`` beside 40 × ``省级``): a typo, not a new source.

Keys that differ only by invisible characters or Unicode normalisation never get here: the
YAML reader refuses both (:mod:`fundaudit.yamlnodes`).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from collections.abc import Iterable

from fundaudit.i18n import _
from fundaudit.loader.context import _Ctx
from fundaudit.model import Loc, Node, SplitEntry
from fundaudit.numbers import shown

_TYPO = 0.8  # difflib ratio: one character added to or dropped from a two- to four-character name


def check_sources(ctx: _Ctx, programs: Iterable[Node]) -> None:
    """Report every split key and ``only:`` of the programs that is not a source of their document."""
    programs = list(programs)
    named = [(e.key, e.yaml, _("split key")) for p in programs for e in p.split]
    named += [(p.only, p.yaml, "only:") for p in programs if p.only is not None]
    top = Counter(name for name, _, _ in named)
    known = set(_keys(e for p in programs for e in p.split)) | set(top)
    for name, where, what in named:
        if top[name] == 1:
            near = difflib.get_close_matches(name, [k for k, n in top.items() if n > 1], 1, _TYPO)
            if near:
                ctx.error(
                    where.file,
                    where.line,
                    _(
                        "{what} {name} is used only here and is one character off {near} "
                        "(used {n} times in this document): did you mean {near}?"
                    ).format(what=what, name=shown(name), near=shown(near[0]), n=top[near[0]]),
                )
    for program in programs:
        if not program.split and program.only is None:
            continue  # no column foots here: the items' sources are the only statement of them
        for node in program.walk():
            if node is not program:
                if node.only is not None and node.only not in known:
                    _unknown(
                        ctx,
                        node.yaml,
                        _("{name}: only: {only}").format(name=node.name, only=shown(node.only)),
                        node.only,
                        known,
                    )
                for entry in node.split:
                    if entry.key not in known:
                        _unknown(
                            ctx,
                            entry.yaml,
                            _("{name}: split key {key}").format(name=node.name, key=shown(entry.key)),
                            entry.key,
                            known,
                        )


def sources_of(programs: Iterable[Node]) -> dict[str, list[str]]:
    """What :func:`check_sources` reads of some of a document's programs, as JSON data.

    ``named``: the programs' split keys and ``only:`` (each as often as used); ``keys``: every
    split key at any depth; ``items``: the items' ``only:`` and split keys, in programs with a
    split or an ``only:``.
    """
    programs = list(programs)
    named = [e.key for p in programs for e in p.split] + [p.only for p in programs if p.only is not None]
    items: set[str] = set()
    for program in programs:
        if not program.split and program.only is None:
            continue
        for node in program.walk():
            if node is not program:
                if node.only is not None:
                    items.add(node.only)
                items.update(e.key for e in node.split)
    return {"named": named, "keys": sorted(set(_keys(e for p in programs for e in p.split))), "items": sorted(items)}


def sources_hold(parts: Iterable[dict[str, list[str]]]) -> bool:
    """Whether :func:`check_sources` finds nothing in the programs these :func:`sources_of` describe."""
    parts = list(parts)
    top = Counter(name for p in parts for name in p["named"])
    known = {k for p in parts for k in p["keys"]} | set(top)
    common = [k for k, n in top.items() if n > 1]
    if any(n == 1 and difflib.get_close_matches(name, common, 1, _TYPO) for name, n in top.items()):
        return False
    return all(item in known for p in parts for item in p["items"])


def _keys(entries: Iterable[SplitEntry]) -> Iterable[str]:
    for entry in entries:
        yield entry.key
        yield from _keys(entry.split)


def _unknown(ctx: _Ctx, where: Loc, what: str, name: str, known: set[str]) -> None:
    same = [k for k in known if unicodedata.normalize("NFKC", k) == unicodedata.normalize("NFKC", name)]
    if same:
        ctx.error(
            where.file,
            where.line,
            _("{what} only looks like {same}: the characters differ; retype it").format(what=what, same=shown(same[0])),
        )
        return
    near = difflib.get_close_matches(name, sorted(known), 1, 0.5)
    hint = (
        _("did you mean {name}?").format(name=shown(near[0]))
        if near
        else _("its sources are {sources}").format(sources=_(", ").join(sorted(known)) or _("none"))
    )
    ctx.error(
        where.file,
        where.line,
        _("{what} is not a funding source of this document ({hint})").format(what=what, hint=hint),
    )
