"""Relations the structure cannot say (``relations:``) and links across documents (``links:``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import yaml

from fundaudit.i18n import N_, NP_, _
from fundaudit.loader.context import _RELATION_KINDS, _Ctx, _fields, _id, _mapping, _null, _Scope, _seq, _text
from fundaudit.model import (
    Declared,
    Figure,
    Loc,
)
from fundaudit.units import Unit, UnitError, parse_unit
from fundaudit.yamlnodes import line_of

# equal: the linked figures state the same quantity; supersedes: the first figure's document
# revises the others (a later plan), so a difference is a revision, not a mismatch
LINK_KINDS = ("equal", "supersedes")
_RELATION_KEYS = {"id", "kind", "total", "parts", "note", "same", "per", "drafted"}
_MAX_TIMES = 1000


def _relations(ctx: _Ctx, pending: list[tuple[_Scope, yaml.Node]]) -> dict[str, tuple[Declared, ...]]:
    """Resolve every ``relations:`` block once all figures of all documents are known."""
    out: dict[str, list[Declared]] = {}
    seen: dict[str, Loc] = {}
    for scope, rnode in pending:
        for item in _seq(ctx, scope.file, rnode, "relations"):
            rel = _relation(ctx, scope, item)
            if rel is None:
                continue
            if rel.id in seen:
                ctx.error(
                    scope.file,
                    item,
                    _("duplicate relation id {id!r} (first at {value})").format(id=rel.id, value=seen[rel.id]),
                )
                continue
            seen[rel.id] = rel.yaml
            out.setdefault(scope.doc, []).append(rel)
    return {k: tuple(v) for k, v in out.items()}


def _relation(ctx: _Ctx, scope: _Scope, node: yaml.Node) -> Declared | None:
    file = scope.file
    m = _mapping(ctx, file, node, ctx.word(N_("a relation")))
    if m is None:
        return None
    f = _fields(ctx, file, m, NP_("data element", "relation"), _RELATION_KEYS, {"id", "kind", "total", "parts"})
    rid = _id(ctx, file, f["id"], ctx.word(N_("relation id"))) if "id" in f else None
    kind = _text(ctx, file, f["kind"], "kind") if "kind" in f else None
    if kind is not None and kind not in _RELATION_KINDS:
        ctx.error(
            file,
            f["kind"],
            _("relation kind {kind!r} must be one of {value}").format(kind=kind, value=", ".join(_RELATION_KINDS)),
        )
        kind = None
    total = _resolve(ctx, scope, f["total"]) if "total" in f else None
    pnodes = _seq(ctx, file, f.get("parts", _null()), "parts")
    counted = [_part(ctx, scope, p) for p in pnodes]
    parts = [fig for fig, _ in counted]
    note = _text(ctx, file, f["note"], "note") if "note" in f else None
    drafted = _text(ctx, file, f["drafted"], "drafted") if "drafted" in f else None
    seen_parts: set[str] = set()
    for pnode, part in zip(pnodes, parts, strict=True):
        if part is None:
            continue
        if total is not None and part is total:
            ctx.error(file, pnode, _("the total {ref!r} is also listed as a part").format(ref=part.ref))
            return None
        if part.ref in seen_parts:
            ctx.error(file, pnode, _("part {ref!r} is listed twice").format(ref=part.ref))
            return None
        seen_parts.add(part.ref)
    if kind == "product" and (len(parts) != 2 or any(n != 1 for _, n in counted)):
        ctx.error(file, m, _("a product relation has exactly two parts"))
        return None
    if rid is None or kind is None or total is None or not parts or any(p is None for p in parts):
        if "parts" in f and not parts:
            ctx.error(file, f["parts"], _("a relation needs at least one part"))
        return None
    figs = [fig for fig, n in counted for _ in range(n) if fig is not None]
    if "same" in f:
        reread = _same(ctx, file, f["same"])
        if reread is None:
            return None
        total, figs = reread(total), [reread(x) for x in figs]
    if "per" in f:
        if kind != "product":
            ctx.error(file, f["per"], _("'per' belongs to a product relation (its first part is a rate)"))
            return None
        rate = _per(ctx, file, f["per"], figs[0])
        if rate is None:
            return None
        figs[0] = rate
    return Declared(
        f"{scope.doc}::{rid}",
        kind,
        total,
        tuple(figs),
        Loc(file, line_of(m)),
        note,
        drafted,
    )


def _part(ctx: _Ctx, scope: _Scope, node: yaml.Node) -> tuple[Figure | None, int]:
    """A part: a reference, or ``{ref: …, times: k}`` for a figure counted k times (各区县 × 5)."""
    if not isinstance(node, yaml.MappingNode):
        return _resolve(ctx, scope, node), 1
    f = _fields(ctx, scope.file, node, NP_("data element", "part"), {"ref", "times"}, {"ref", "times"})
    fig = _resolve(ctx, scope, f["ref"]) if "ref" in f else None
    text = _text(ctx, scope.file, f["times"], "times") if "times" in f else None
    if text is None:
        return None, 1
    if not text.isascii() or not text.isdigit() or not 2 <= int(text) <= _MAX_TIMES:
        ctx.error(
            scope.file,
            f["times"],
            _("'times' must be a whole number from 2 to {MAX_TIMES}, not {text!r}").format(
                MAX_TIMES=_MAX_TIMES, text=text
            ),
        )
        return None, 1
    return fig, int(text)


def _reread(fig: Figure, unit: Unit, how: str) -> Figure:
    """The figure as this relation reads it: the same digits and lines in another unit."""
    return dataclasses.replace(fig, ref=f"{fig.ref}~{unit.text}", label=f"{fig.label} ({how})", unit=unit)


def _same(ctx: _Ctx, file: str, node: yaml.Node) -> Callable[[Figure], Figure] | None:
    """``same: [个, 座]``: counting words that count the same objects in this relation.

    Every figure counted in a later word is read in the first (600 座 基站 as 600 个; 20 个
    示范户 as 20 户). Counting words are 个, 座, 家 … and 户.
    """
    words = [_text(ctx, file, w, _("a counting word")) for w in _seq(ctx, file, node, "same")]
    units: list[Unit] = []
    for wnode, word in zip(_seq(ctx, file, node, "same"), words, strict=True):
        try:
            unit = parse_unit(word) if word is not None else None
        except UnitError:
            unit = None
        if unit is None or not (unit.dimension.startswith("count:") or unit.dimension == "households") or unit.pow10:
            ctx.error(
                file, wnode, _("'same' lists counting words such as 个, 座 or 户, not {word!r}").format(word=word)
            )
            return None
        units.append(unit)
    if len(units) < 2 or len({u.dimension for u in units}) != len(units):
        ctx.error(file, node, _("'same' lists at least two different counting words"))
        return None
    target = units[0].text

    def reread(fig: Figure) -> Figure:
        for unit in units[1:]:
            if fig.unit.dimension == unit.dimension:
                prefix = fig.unit.text[: len(fig.unit.text) - len(unit.text)]
                new = parse_unit(prefix + target)
                return _reread(fig, new, f"{fig.unit.text} counted as {new.text}")
        return fig

    return reread


def _per(ctx: _Ctx, file: str, node: yaml.Node, fig: Figure) -> Figure | None:
    """``per: 人``: the product's first part is a rate per one 人 (每生每年 2000 元 → 元/人)."""
    word = _text(ctx, file, node, "per")
    try:
        ok = word is not None and "/" not in word and "/" not in fig.unit.text and parse_unit(word).pow10 == 0
        unit = parse_unit(f"{fig.unit.text}/{word}") if ok else None
    except UnitError:
        unit = None
    if unit is None:
        ctx.error(
            file,
            node,
            _("'per' names the counting word the rate {text} is per, not {word!r}").format(text=fig.text, word=word),
        )
        return None
    return _reread(fig, unit, f"per {word}")


def _resolve(ctx: _Ctx, scope: _Scope, node: yaml.Node) -> Figure | None:
    text = _text(ctx, scope.file, node, ctx.word(N_("a figure reference")))
    if text is None:
        return None
    ref = text if "::" in text else f"{scope.doc}::{text}"
    fig = ctx.by_ref.get(ref)
    if fig is None:
        ctx.no_figure(scope.file, node, text)
    return fig


def _links(ctx: _Ctx, file: str, node: yaml.Node) -> list[Declared]:
    out: list[Declared] = []
    for item in _seq(ctx, file, node, "links"):
        m = _mapping(ctx, file, item, ctx.word(N_("a link")))
        if m is None:
            continue
        f = _fields(
            ctx, file, m, NP_("data element", "link"), {"id", "figures", "note", "sources", "kind"}, {"id", "figures"}
        )
        lid = _id(ctx, file, f["id"], ctx.word(N_("link id"))) if "id" in f else None
        kind = _text(ctx, file, f["kind"], "kind") if "kind" in f else "equal"
        if kind not in LINK_KINDS:
            ctx.error(
                file,
                f["kind"],
                _("link kind {kind!r} must be one of {value}").format(kind=kind, value=", ".join(LINK_KINDS)),
            )
            continue
        scope = _Scope(file, "", "")
        figs = [_resolve_global(ctx, scope, n) for n in _seq(ctx, file, f.get("figures", _null()), "figures")]
        note = _text(ctx, file, f["note"], "note") if "note" in f else None
        if lid is None or any(x is None for x in figs):
            continue
        if len(figs) < 2:
            ctx.error(file, m, _("a link needs at least two figures"))
            continue
        twice = _first_twice(figs)
        if twice is not None:
            ctx.error(file, m, _("link {lid!r} lists the figure {ref!r} twice").format(lid=lid, ref=twice.ref))
            continue
        first, *rest = [x for x in figs if x is not None]
        out.append(Declared(f"links::{lid}", kind, first, tuple(rest), Loc(file, line_of(m)), note))
    seen: dict[str, int] = {}
    for link in out:
        if link.id in seen:
            ctx.error(
                file,
                link.yaml.line,
                _("duplicate link id {id!r} (first at line {value})").format(id=link.id, value=seen[link.id]),
            )
        seen[link.id] = link.yaml.line
    return out


def _first_twice(figs: list[Figure | None]) -> Figure | None:
    """The first figure listed a second time, if any."""
    seen: set[int] = set()
    for fig in figs:
        if fig is not None:
            if id(fig) in seen:
                return fig
            seen.add(id(fig))
    return None


def _resolve_global(ctx: _Ctx, scope: _Scope, node: yaml.Node) -> Figure | None:
    text = _text(ctx, scope.file, node, ctx.word(N_("a figure reference")))
    if text is None:
        return None
    if "::" not in text:
        ctx.error(
            scope.file,
            node,
            _("link reference {text!r} must name its document: '<doc>::<path>:<name>'").format(text=text),
        )
        return None
    fig = ctx.by_ref.get(text)
    if fig is None:
        ctx.no_figure(scope.file, node, text)
    return fig
