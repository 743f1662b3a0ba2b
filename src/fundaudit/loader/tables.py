"""Tables: columns, rows, header hierarchy and 合计 / 小计 roles."""

from __future__ import annotations

from dataclasses import replace

import yaml

from fundaudit.i18n import N_, NP_, _
from fundaudit.loader.context import _bool, _Ctx, _fields, _id, _line_number, _mapping, _null, _Scope, _seq, _text
from fundaudit.loader.figures import _make_figure, _unit
from fundaudit.model import (
    Column,
    Figure,
    Loc,
    Row,
    Table,
    TableSpec,
)
from fundaudit.numbers import shown
from fundaudit.units import Unit, UnitError, parse_unit
from fundaudit.yamlnodes import kind_name, line_of, pairs

_ROLES = ("detail", "subtotal", "total")
_ROW_KEYS = frozenset(("id", "label", "line", "cells", "role", "sums", "unit", "cross", "note"))
_ROW_REQUIRED = frozenset(("label", "line", "cells"))


def _table(ctx: _Ctx, scope: _Scope, node: yaml.Node, parent: str) -> Table | None:
    file = scope.file
    m = _mapping(ctx, file, node, ctx.word(N_("a table")))
    if m is None:
        return None
    f = _fields(
        ctx,
        file,
        m,
        NP_("data element", "table"),
        {"id", "title", "line", "unit", "columns", "column_sums", "rows", "schedules", "products", "note", "drafted"},
        {"id", "title", "line", "columns", "rows"},
    )
    if "drafted" in f:
        scope = replace(scope, drafted=_text(ctx, file, f["drafted"], "drafted"))
    tid = _id(ctx, file, f["id"], ctx.word(N_("table id"))) if "id" in f else None
    title = _text(ctx, file, f["title"], "title") if "title" in f else None
    lt = _text(ctx, file, f["line"], "line") if "line" in f else None
    line = _line_number(ctx, file, f["line"], lt, ctx.word(N_("table line"))) if lt is not None else None
    unit = _unit(ctx, file, f["unit"]) if "unit" in f else None
    columns: list[Column] = []
    columns_ok = "columns" in f  # else the rows' cells cannot be told apart: no follow-on errors for them
    for cnode in _seq(ctx, file, f.get("columns", _null()), "columns"):
        col = _column(ctx, file, cnode)
        if col is None:
            columns_ok = False
            continue
        if any(c.name == col.name for c in columns):
            ctx.error(file, cnode, _("duplicate column {name}").format(name=shown(col.name)))
            columns_ok = False
            continue
        columns.append(col)
    names = [c.name for c in columns]
    sums: list[tuple[str, tuple[str, ...]]] = []
    if "column_sums" in f:
        cm = _mapping(ctx, file, f["column_sums"], "column_sums")
        for key, knode, value in pairs(cm, file, ctx.errors) if cm is not None else ():
            knodes = _seq(ctx, file, value, f"column_sums {key}")
            kids = [_text(ctx, file, v, ctx.word(N_("a column"))) for v in knodes]
            for name in [key, *kids]:
                if name is not None and name not in names:
                    ctx.error(file, knode, _("column_sums names unknown column {name}").format(name=shown(name)))
            if _self_or_twice(
                ctx, file, key, list(zip(knodes, kids, strict=True)), f"column_sums {shown(key)}", "column"
            ):
                continue
            sums.append((key, tuple(k for k in kids if k is not None)))
    if tid is None or title is None or line is None:
        return None
    path = f"{parent}/{tid}"
    rows: list[Row] = []
    row_ids: set[str] = set()
    for i, rnode in enumerate(_seq(ctx, file, f.get("rows", _null()), "rows") if columns_ok else (), start=1):
        given = _given_id(rnode)
        if given in row_ids:  # before its cells become figures, which would be duplicates too
            ctx.error(file, rnode, _("duplicate row id {given}").format(given=shown(given)))
            continue
        row = _row(ctx, scope, rnode, path, i, columns, unit, unit_refused="unit" in f and unit is None)
        if row is None:
            continue
        if row.id in row_ids:
            ctx.error(file, rnode, _("duplicate row id {id}").format(id=shown(row.id)))
            continue
        row_ids.add(row.id)
        rows.append(row)
    for row in rows:
        for rid in row.sums or ():
            if rid not in row_ids:
                ctx.error(
                    file, row.yaml.line, _("row {id} sums unknown row {rid}").format(id=shown(row.id), rid=shown(rid))
                )
    specs = {
        k: tuple(_spec(ctx, file, s, k, names) for s in _seq(ctx, file, f.get(k, _null()), k))
        for k in ("schedules", "products")
    }
    return Table(
        path=path,
        id=tid,
        title=title,
        source=Loc(scope.source, line),
        yaml=Loc(file, line_of(m)),
        columns=tuple(columns),
        column_sums=tuple(sums),
        rows=tuple(rows),
        schedules=tuple(s for s in specs["schedules"] if s is not None),
        products=tuple(s for s in specs["products"] if s is not None),
    )


def _given_id(node: yaml.Node) -> str:
    """The ``id:`` a row mapping states, or "" (a row without one is numbered)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return ""


def _column(ctx: _Ctx, file: str, node: yaml.Node) -> Column | None:
    if isinstance(node, yaml.ScalarNode):
        name = _text(ctx, file, node, "column")
        return Column(name, None, True) if name is not None else None
    m = _mapping(ctx, file, node, ctx.word(N_("a column")))
    if m is None:
        return None
    f = _fields(ctx, file, m, NP_("data element", "column"), {"name", "unit", "foot"}, {"name"})
    name = _text(ctx, file, f["name"], ctx.word(N_("column name"))) if "name" in f else None
    template = None
    if "unit" in f and isinstance(f["unit"], yaml.ScalarNode) and "{row}" in f["unit"].value:
        template, unit = str(f["unit"].value), None
        try:
            parse_unit(template.replace("{row}", "个"))
        except UnitError as exc:
            ctx.error(
                file, f["unit"], _("column unit template {template}: {exc}").format(template=shown(template), exc=exc)
            )
            return None
    else:
        unit = _unit(ctx, file, f["unit"]) if "unit" in f else None
        if "unit" in f and unit is None:
            return None  # its unit is the error; its cells would each add one
    foot = _bool(ctx, file, f["foot"], "foot") if "foot" in f else True
    return Column(name, unit, foot, template) if name is not None else None


def _row(
    ctx: _Ctx,
    scope: _Scope,
    node: yaml.Node,
    path: str,
    position: int,
    columns: list[Column],
    unit: Unit | None,
    unit_refused: bool = False,
) -> Row | None:
    file = scope.file
    m = _mapping(ctx, file, node, ctx.word(N_("a row")))
    if m is None:
        return None
    f = _fields(
        ctx,
        file,
        m,
        NP_("data element", "row"),
        _ROW_KEYS,
        _ROW_REQUIRED,
    )
    rid = _text(ctx, file, f["id"], ctx.word(N_("row id"))) if "id" in f else str(position)
    label = _text(ctx, file, f["label"], "label") if "label" in f else None
    lt = _text(ctx, file, f["line"], "line") if "line" in f else None
    line = _line_number(ctx, file, f["line"], lt, ctx.word(N_("row line"))) if lt is not None else None
    role = _text(ctx, file, f["role"], "role") if "role" in f else "detail"
    if role is not None and role not in _ROLES:
        ctx.error(
            file,
            f["role"],
            _("row role {role} must be one of {value}").format(role=shown(role), value=", ".join(_ROLES)),
        )
        role = "detail"
    sums = None
    if "sums" in f:
        snodes = _seq(ctx, file, f["sums"], "sums")
        texts = [_text(ctx, file, n, ctx.word(N_("row id"))) for n in snodes]
        if rid is not None:  # an error, but the row stays, so rows that sum it raise no follow-on error
            _self_or_twice(
                ctx, file, rid, list(zip(snodes, texts, strict=True)), _("row {rid}").format(rid=shown(rid)), "row"
            )
        sums = tuple(t for t in texts if t)
    row_unit = _unit(ctx, file, f["unit"]) if "unit" in f else None
    unit_refused = unit_refused or ("unit" in f and row_unit is None)
    cross = _bool(ctx, file, f["cross"], "cross") if "cross" in f else True
    if rid is None or label is None or line is None or "cells" not in f:
        return None
    cell_nodes = _seq(ctx, file, f["cells"], "cells")
    if len(cell_nodes) != len(columns):
        ctx.error(
            file,
            f["cells"],
            _("row {label} has {n_cell_nodes} cells but the table has {n_columns} columns").format(
                label=shown(label), n_cell_nodes=len(cell_nodes), n_columns=len(columns)
            ),
        )
        return None
    cells: list[Figure | None] = []
    for col, cnode in zip(columns, cell_nodes, strict=True):
        text = cnode.value if isinstance(cnode, yaml.ScalarNode) else None
        if text is None:
            ctx.error(
                file,
                cnode,
                _("cell {name} must be text, not {kind}").format(name=shown(col.name), kind=kind_name(cnode)),
            )
            cells.append(None)
            continue
        text = str(text).strip()
        if text in ("", "-", "—", "/", "~", "null") or cnode.tag.endswith(":null"):
            cells.append(None)
            continue
        cunit = col.unit or row_unit or unit
        if col.unit_template is not None:
            if row_unit is None:
                ctx.error(
                    file,
                    cnode,
                    _("cell {name} of row {label}: the column unit {unit_template} needs a row unit").format(
                        name=shown(col.name), label=shown(label), unit_template=shown(col.unit_template)
                    ),
                )
                cells.append(None)
                continue
            built = col.unit_template.replace("{row}", row_unit.text)
            try:
                cunit = parse_unit(built)
            except UnitError:
                ctx.error(
                    file,
                    cnode,
                    _(
                        "cell {name} of row {label}: the column unit {unit_template} "
                        "with the row unit {text} makes {built}, which is not a unit"
                    ).format(
                        name=shown(col.name),
                        label=shown(label),
                        unit_template=shown(col.unit_template),
                        text=shown(row_unit.text),
                        built=shown(built),
                    ),
                )
                cells.append(None)
                continue
        if cunit is None:
            if unit_refused:  # the table's unit is already an error: no follow-on for each cell
                cells.append(None)
                continue
            ctx.error(
                file,
                cnode,
                _("cell {name} of row {label} has no unit (set the table, column or row unit)").format(
                    name=shown(col.name), label=shown(label)
                ),
            )
            cells.append(None)
            continue
        cells.append(
            _make_figure(ctx, scope, cnode, f"{scope.doc}::{path}/{rid}:{col.name}", col.name, text, cunit, line)
        )
    return Row(
        rid,
        label,
        role or "detail",
        sums,
        cross,
        tuple(cells),
        Loc(scope.source, line),
        Loc(file, line_of(m)),
    )


def _self_or_twice(
    ctx: _Ctx, file: str, total: str, parts: list[tuple[yaml.Node, str | None]], what: str, kind: str
) -> bool:
    """True (after an error) when ``total`` is among its own ``parts`` or a part is listed twice.

    A sum that includes itself, or counts a part twice, would hold or fail for no reason
    the document gives, exactly as a ``relations:`` entry that does so is refused.
    """
    seen: set[str] = set()
    for node, part in parts:
        if part is None:
            continue
        if part == total:
            ctx.error(
                file, node, _("{what} lists itself among its parts: a total cannot be its own part").format(what=what)
            )
            return True
        if part in seen:
            ctx.error(
                file, node, _("{what} lists the {kind} {part} twice").format(what=what, kind=kind, part=shown(part))
            )
            return True
        seen.add(part)
    return False


def _spec(ctx: _Ctx, file: str, node: yaml.Node, what: str, names: list[str]) -> TableSpec | None:
    m = _mapping(ctx, file, node, what)
    if m is None:
        return None
    if what == "schedules":
        f = _fields(
            ctx, file, m, NP_("data element", "table schedule"), {"kind", "of", "periods"}, {"kind", "of", "periods"}
        )
        kind = _text(ctx, file, f["kind"], "kind") if "kind" in f else None
        if kind not in ("incremental", "cumulative"):
            ctx.error(file, m, _("table schedule kind must be incremental or cumulative"))
            return None
        of = _text(ctx, file, f["of"], "of") if "of" in f else None
        periods = [_text(ctx, file, n, "period") for n in _seq(ctx, file, f.get("periods", _null()), "periods")]
        cols = [of, *periods]
    else:
        f = _fields(
            ctx,
            file,
            m,
            NP_("data element", "table product"),
            {"amount", "price", "quantity"},
            {"amount", "price", "quantity"},
        )
        kind = "product"
        cols = [_text(ctx, file, f[k], k) if k in f else None for k in ("amount", "price", "quantity")]
    clean = [c for c in cols if c is not None]
    if len(set(clean)) != len(clean):
        twice = next(c for c in clean if clean.count(c) > 1)
        spec = "schedule" if what == "schedules" else "product"
        ctx.error(
            file,
            m,
            _("table {spec} names column {twice} twice: a total cannot be its own part").format(
                spec=spec, twice=shown(twice)
            ),
        )
        return None
    for c in clean:
        if c not in names:
            ctx.error(file, m, _("{what} names unknown column {c}").format(what=what, c=shown(c)))
    if len(clean) != len(cols) or any(c not in names for c in clean):
        return None
    return TableSpec(kind, tuple(clean), Loc(file, line_of(m)))
