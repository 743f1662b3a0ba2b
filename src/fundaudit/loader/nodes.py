"""Programs and items: totals, splits by funding source, schedules and shares, nested."""

from __future__ import annotations

from dataclasses import replace

import yaml

from fundaudit.i18n import N_, NP_, _
from fundaudit.loader.context import _bool, _Ctx, _fields, _id, _line_number, _mapping, _null, _Scope, _seq, _text
from fundaudit.loader.figures import _figure, _named_figures
from fundaudit.loader.tables import _table
from fundaudit.model import (
    Figure,
    Loc,
    Node,
    Schedule,
    Shares,
    SplitEntry,
    Table,
)
from fundaudit.yamlnodes import line_of, pairs

_NODE_KEYS = {
    "id",
    "name",
    "line",
    "total",
    "only",
    "split",
    "split_partial",
    "items",
    "items_partial",
    "figures",
    "schedule",
    "shares",
    "tables",
    "note",
    "drafted",
}

_PROGRAM_REQUIRED = frozenset(("id", "name"))
_ITEM_REQUIRED = frozenset(("name",))
_SCHEDULE_KEYS = frozenset(("kind", "of", "periods", "partial", "note"))
_SCHEDULE_REQUIRED = frozenset(("kind", "periods"))


def _node(ctx: _Ctx, scope: _Scope, node: yaml.Node, parent: str, is_program: bool, position: int = 0) -> Node | None:
    file = scope.file
    what = ctx.word(N_("a program") if is_program else N_("an item"))
    m = _mapping(ctx, file, node, what)
    if m is None:
        return None
    f = _fields(ctx, file, m, what, _NODE_KEYS, _PROGRAM_REQUIRED if is_program else _ITEM_REQUIRED)
    if "id" in f:
        node_id = _id(ctx, file, f["id"], ctx.word(N_("program id") if is_program else N_("item id")))
    else:
        node_id = None if is_program else str(position)
    name = _text(ctx, file, f["name"], "name") if "name" in f else None
    if node_id is None or name is None:
        return None
    if "drafted" in f:
        scope = replace(scope, drafted=_text(ctx, file, f["drafted"], "drafted"))
    path = f"{parent}/{node_id}" if parent else node_id
    prefix = f"{scope.doc}::{path}:"
    source_line = None
    if "line" in f:
        lt = _text(ctx, file, f["line"], "line")
        source_line = _line_number(ctx, file, f["line"], lt, "line") if lt is not None else None
    total = _figure(ctx, scope, f["total"], prefix + "total", f"{name} total") if "total" in f else None
    only = _text(ctx, file, f["only"], "only") if "only" in f else None
    split: tuple[SplitEntry, ...] = ()
    if "split" in f:
        split = _split(ctx, scope, f["split"], prefix, "")
    if only is not None and split:
        ctx.error(file, f["only"], _("{name}: 'only' and 'split' cannot both be given").format(name=name))
    if only is not None and total is None:
        ctx.error(file, f["only"], _("{name}: 'only' needs a 'total'").format(name=name))
    items: list[Node] = []
    child_ids: dict[str, int] = {}
    for i, item in enumerate(_seq(ctx, file, f.get("items", _null()), "items"), start=1):
        child = _node(ctx, scope, item, path, is_program=False, position=i)
        if child is None:
            continue
        if child.id in child_ids:
            ctx.error(
                file,
                item,
                _("duplicate item id {id!r} under {path} (first at line {value})").format(
                    id=child.id, path=path, value=child_ids[child.id]
                ),
            )
            continue
        child_ids[child.id] = child.yaml.line
        items.append(child)
    figures: list[Figure] = []
    if "figures" in f:
        fm = _mapping(ctx, file, f["figures"], "figures")
        if fm is not None:
            for key, _knode, value in pairs(fm, file, ctx.errors):
                fig = _figure(ctx, scope, value, prefix + key, key)
                if fig is not None:
                    figures.append(fig)
    schedule = _schedule(ctx, scope, f["schedule"], prefix) if "schedule" in f else None
    shares = _shares(ctx, scope, f["shares"], prefix) if "shares" in f else None
    tables: list[Table] = []
    for tnode in _seq(ctx, file, f.get("tables", _null()), "tables"):
        table = _table(ctx, scope, tnode, path)
        if table is None:
            continue
        if table.id in child_ids:
            ctx.error(file, tnode, _("table id {id!r} is already used under {path}").format(id=table.id, path=path))
            continue
        child_ids[table.id] = table.yaml.line
        tables.append(table)
    note = _text(ctx, file, f["note"], "note") if "note" in f else None
    return Node(
        path=path,
        id=node_id,
        name=name,
        yaml=Loc(file, line_of(m)),
        source=Loc(scope.source, source_line) if source_line else None,
        total=total,
        only=only,
        split=split,
        split_partial=_bool(ctx, file, f["split_partial"], "split_partial") if "split_partial" in f else False,
        items=tuple(items),
        items_partial=_bool(ctx, file, f["items_partial"], "items_partial") if "items_partial" in f else False,
        figures=tuple(figures),
        schedule=schedule,
        shares=shares,
        tables=tuple(tables),
        note=note,
    )


def _split(ctx: _Ctx, scope: _Scope, node: yaml.Node, prefix: str, path: str) -> tuple[SplitEntry, ...]:
    file = scope.file
    m = _mapping(ctx, file, node, "split")
    if m is None:
        return ()
    out: list[SplitEntry] = []
    for key, knode, value in pairs(m, file, ctx.errors):
        name = f"{path}/{key}" if path else key
        if isinstance(value, yaml.MappingNode) and any(k.value in ("amount", "split") for k, _ in value.value):
            f = _fields(
                ctx,
                file,
                value,
                ctx.word(N_("split entry {name}")).format(name=name),
                {"amount", "split", "partial", "all"},
            )
            amount = _figure(ctx, scope, f["amount"], prefix + name, name) if "amount" in f else None
            sub = _split(ctx, scope, f["split"], prefix, name) if "split" in f else ()
            partial = _bool(ctx, file, f["partial"], "partial") if "partial" in f else False
            whole = _text(ctx, file, f["all"], "all") if "all" in f else None
            if whole is not None and (amount is None or sub):
                ctx.error(
                    file, f["all"], _("split entry {name}: 'all' needs an 'amount' and no 'split'").format(name=name)
                )
                whole = None
            out.append(SplitEntry(key, amount, sub, partial, Loc(file, line_of(knode)), whole))
        else:
            amount = _figure(ctx, scope, value, prefix + name, name)
            out.append(SplitEntry(key, amount, (), False, Loc(file, line_of(knode))))
    return tuple(out)


def _schedule(ctx: _Ctx, scope: _Scope, node: yaml.Node, prefix: str) -> Schedule | None:
    file = scope.file
    m = _mapping(ctx, file, node, "schedule")
    if m is None:
        return None
    f = _fields(ctx, file, m, NP_("data element", "schedule"), _SCHEDULE_KEYS, _SCHEDULE_REQUIRED)
    kind = _text(ctx, file, f["kind"], "schedule kind") if "kind" in f else None
    if kind is not None and kind not in ("incremental", "cumulative"):
        ctx.error(file, f["kind"], _("schedule kind {kind!r} must be incremental or cumulative").format(kind=kind))
        kind = None
    of = (_text(ctx, file, f["of"], "schedule of") if "of" in f else "total") or "total"
    periods = _named_figures(ctx, scope, f.get("periods"), prefix + "schedule/", "schedule periods")
    partial = _bool(ctx, file, f["partial"], "partial") if "partial" in f else False
    note = _text(ctx, file, f["note"], "note") if "note" in f else None
    if kind is None:
        return None
    return Schedule(kind, of, periods, partial, Loc(file, line_of(m)), note)


def _shares(ctx: _Ctx, scope: _Scope, node: yaml.Node, prefix: str) -> Shares | None:
    file = scope.file
    m = _mapping(ctx, file, node, "shares")
    if m is None:
        return None
    f = _fields(ctx, file, m, NP_("data element", "shares"), {"of", "parts", "partial", "note"}, {"parts"})
    of = (_text(ctx, file, f["of"], "shares of") if "of" in f else "total") or "total"
    parts = _named_figures(ctx, scope, f.get("parts"), prefix + "shares/", "shares parts")
    for p in parts:
        if p.unit.dimension != "percent":
            ctx.error(
                file,
                p.yaml.line,
                _("share {label!r} must be a percentage, not {text}").format(label=p.label, text=p.unit.text),
            )
    partial = _bool(ctx, file, f["partial"], "partial") if "partial" in f else False
    return Shares(of, parts, partial, Loc(file, line_of(m)))
