"""Relations the structure cannot say (``relations:``) and links across documents (``links:``)."""

from __future__ import annotations

import yaml

from fundaudit.loader.context import _RELATION_KINDS, _Ctx, _fields, _id, _mapping, _null, _Scope, _seq, _text
from fundaudit.model import (
    Declared,
    Figure,
    Loc,
)
from fundaudit.yamlnodes import line_of


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
                ctx.error(scope.file, item, f"duplicate relation id {rel.id!r} (first at {seen[rel.id]})")
                continue
            seen[rel.id] = rel.yaml
            out.setdefault(scope.doc, []).append(rel)
    return {k: tuple(v) for k, v in out.items()}


def _relation(ctx: _Ctx, scope: _Scope, node: yaml.Node) -> Declared | None:
    file = scope.file
    m = _mapping(ctx, file, node, "a relation")
    if m is None:
        return None
    f = _fields(
        ctx, file, m, "relation", {"id", "kind", "total", "parts", "note", "drafted"}, {"id", "kind", "total", "parts"}
    )
    rid = _id(ctx, file, f["id"], "relation id") if "id" in f else None
    kind = _text(ctx, file, f["kind"], "kind") if "kind" in f else None
    if kind is not None and kind not in _RELATION_KINDS:
        ctx.error(file, f["kind"], f"relation kind {kind!r} must be one of {', '.join(_RELATION_KINDS)}")
        kind = None
    total = _resolve(ctx, scope, f["total"]) if "total" in f else None
    parts = [_resolve(ctx, scope, p) for p in _seq(ctx, file, f.get("parts", _null()), "parts")]
    note = _text(ctx, file, f["note"], "note") if "note" in f else None
    drafted = _text(ctx, file, f["drafted"], "drafted") if "drafted" in f else None
    seen_parts: set[str] = set()
    for pnode, part in zip(_seq(ctx, file, f.get("parts", _null()), "parts"), parts, strict=True):
        if part is None:
            continue
        if total is not None and part is total:
            ctx.error(file, pnode, f"the total {part.ref!r} is also listed as a part")
            return None
        if part.ref in seen_parts:
            ctx.error(file, pnode, f"part {part.ref!r} is listed twice")
            return None
        seen_parts.add(part.ref)
    if kind == "product" and len(parts) != 2:
        ctx.error(file, m, "a product relation has exactly two parts")
        return None
    if rid is None or kind is None or total is None or not parts or any(p is None for p in parts):
        if "parts" in f and not parts:
            ctx.error(file, f["parts"], "a relation needs at least one part")
        return None
    return Declared(
        f"{scope.doc}::{rid}",
        kind,
        total,
        tuple(p for p in parts if p is not None),
        Loc(file, line_of(m)),
        note,
        drafted,
    )


def _resolve(ctx: _Ctx, scope: _Scope, node: yaml.Node) -> Figure | None:
    text = _text(ctx, scope.file, node, "a figure reference")
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
        m = _mapping(ctx, file, item, "a link")
        if m is None:
            continue
        f = _fields(ctx, file, m, "link", {"id", "figures", "note", "sources"}, {"id", "figures"})
        lid = _id(ctx, file, f["id"], "link id") if "id" in f else None
        scope = _Scope(file, "", "")
        figs = [_resolve_global(ctx, scope, n) for n in _seq(ctx, file, f.get("figures", _null()), "figures")]
        note = _text(ctx, file, f["note"], "note") if "note" in f else None
        if lid is None or any(x is None for x in figs):
            continue
        if len(figs) < 2:
            ctx.error(file, m, "a link needs at least two figures")
            continue
        twice = _first_twice(figs)
        if twice is not None:
            ctx.error(file, m, f"link {lid!r} lists the figure {twice.ref!r} twice")
            continue
        first, *rest = [x for x in figs if x is not None]
        out.append(Declared(f"links::{lid}", "equal", first, tuple(rest), Loc(file, line_of(m)), note))
    seen: dict[str, int] = {}
    for link in out:
        if link.id in seen:
            ctx.error(file, link.yaml.line, f"duplicate link id {link.id!r} (first at line {seen[link.id]})")
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
    text = _text(ctx, scope.file, node, "a figure reference")
    if text is None:
        return None
    if "::" not in text:
        ctx.error(scope.file, node, f"link reference {text!r} must name its document: '<doc>::<path>:<name>'")
        return None
    fig = ctx.by_ref.get(text)
    if fig is None:
        ctx.no_figure(scope.file, node, text)
    return fig
