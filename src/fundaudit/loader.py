"""Load ``data/budgets.yaml`` (and the files it includes) into the typed model.

The loader never stops at the first problem: it collects every error with its file and
line and raises :class:`~fundaudit.errors.InvalidData` once at the end. Amounts are read
from the YAML scalars' text, so they never pass through float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from fundaudit.errors import InvalidData, LoadError
from fundaudit.gcpause import paused
from fundaudit.model import (
    Budget,
    Column,
    Declared,
    Document,
    Figure,
    Loc,
    Node,
    Row,
    Schedule,
    Shares,
    SplitEntry,
    Table,
    TableSpec,
)
from fundaudit.numbers import NumberError, parse_number
from fundaudit.units import Unit, UnitError, parse_unit
from fundaudit.yamlnodes import Limits, compose, kind_name, line_of, pairs

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
# the compact form as ``fundaudit fmt`` writes it; anything else goes through _FIGURE's checks
_CANONICAL = re.compile(r"(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?) ([^\s@0-9.,，,０-９．+-][^\s@]*) @([1-9][0-9]*)\Z")
_FIGURE = re.compile(r"\s*(?P<num>[^\s@]*?)\s*(?P<unit>[^\s@0-9.,，,０-９．+-][^\s@]*)?\s*(?:@\s*(?P<line>\S*))?\s*\Z")
_BOUNDS = ("min", "max", "approx")
MAX_DIGITS = 40  # far beyond any budget; keeps hostile input from making huge integers
_RELATION_KINDS = ("sum", "sum-partial", "equal", "cumulative", "product")


@dataclass
class _Ctx:
    """Mutable state of one load: the errors so far and every figure by reference."""

    limits: Limits
    errors: list[LoadError] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    by_ref: dict[str, Figure] = field(default_factory=dict)
    locs: dict[tuple[str, int], Loc] = field(default_factory=dict)

    def loc(self, file: str, line: int) -> Loc:
        """The one :class:`Loc` of ``file:line`` (figures on a line share it)."""
        found = self.locs.get((file, line))
        if found is None:
            found = self.locs[file, line] = Loc(file, line)
        return found

    def error(self, file: str, node: yaml.Node | int, message: str) -> None:
        line = node if isinstance(node, int) else line_of(node)
        self.errors.append(LoadError(file, line, message))

    def add_figure(self, fig: Figure, node: yaml.Node) -> Figure:
        if fig.ref in self.by_ref:
            other = self.by_ref[fig.ref]
            self.error(fig.yaml.file, node, f"duplicate figure {fig.ref!r} (first at line {other.yaml.line})")
        else:
            self.by_ref[fig.ref] = fig
            self.figures.append(fig)
        return fig


@dataclass(frozen=True)
class _Scope:
    """Where we are: the YAML file, the document and its source file."""

    file: str
    doc: str
    source: str


def load(path: str | Path, limits: Limits | None = None) -> Budget:
    """Load the budget data at ``path`` (an entry file with ``documents:``).

    Raises :class:`InvalidData` listing every problem, each as ``file:line: message``.
    """
    with paused():
        return _load(Path(path), limits or Limits())


def _load(entry: Path, limits: Limits) -> Budget:
    ctx = _Ctx(limits)
    display = _display(entry)
    root = _read(ctx, entry, display)
    documents: list[Document] = []
    links: list[Declared] = []
    link_nodes: list[tuple[str, yaml.Node]] = []
    pending: list[tuple[_Scope, yaml.Node]] = []
    if root is not None:
        top = _mapping(ctx, display, root, "the entry file")
        if top is not None:
            allowed = {"fundaudit", "documents", "links", "include"}
            seen_docs: dict[str, int] = {}
            for key, knode, value in pairs(top, display, ctx.errors):
                if key == "fundaudit":
                    if value.value != "1":
                        ctx.error(display, value, f"unsupported format version {value.value!r} (expected 1)")
                elif key == "documents":
                    for dnode in _seq(ctx, display, value, "documents"):
                        doc = _document(ctx, entry, display, dnode, seen_docs, link_nodes, pending)
                        if doc is not None:
                            documents.append(doc)
                elif key == "links":
                    link_nodes.append((display, value))
                elif key == "include":
                    for inc in _seq(ctx, display, value, "include"):
                        _links_file(ctx, entry, display, inc, link_nodes)
                else:
                    ctx.error(display, knode, f"unknown key {key!r} (expected one of {sorted(allowed)})")
            if "documents" not in {k for k, _, _ in pairs(top, display, [])}:
                ctx.error(display, top, "the entry file has no 'documents:'")
    declared = _relations(ctx, pending)
    documents = [replace(d, relations=declared.get(d.id, ())) for d in documents]
    for file, node in link_nodes:
        links.extend(_links(ctx, file, node))
    if ctx.errors:
        raise InvalidData(ctx.errors)
    return Budget(display, tuple(documents), tuple(links), tuple(ctx.figures))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(ctx: _Ctx, path: Path, display: str) -> yaml.Node | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        ctx.error(display, 1, f"cannot read file: {exc.strerror or exc}")
        return None
    root, errors = compose(data, display, ctx.limits)
    ctx.errors.extend(errors)
    return root


def _mapping(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> yaml.MappingNode | None:
    if isinstance(node, yaml.MappingNode):
        return node
    ctx.error(file, node, f"{what} must be a mapping, not {kind_name(node)}")
    return None


def _seq(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return []
    ctx.error(file, node, f"{what} must be a list, not {kind_name(node)}")
    return []


def _text(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> str | None:
    if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
        return str(node.value)
    ctx.error(file, node, f"{what} must be text, not {kind_name(node)}")
    return None


def _bool(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> bool:
    if isinstance(node, yaml.ScalarNode) and node.value in ("true", "false"):
        return bool(node.value == "true")
    ctx.error(file, node, f"{what} must be true or false, not {kind_name(node)}")
    return False


def _line_number(ctx: _Ctx, file: str, node: yaml.Node, text: str, what: str) -> int | None:
    if text.isdigit() and text.isascii() and int(text) >= 1:
        return int(text)
    ctx.error(file, node, f"{what}: source line {text!r} must be a positive whole number")
    return None


def _id(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> str | None:
    text = _text(ctx, file, node, what)
    if text is not None and not _ID.match(text):
        ctx.error(file, node, f"{what} {text!r} must match [a-z0-9][a-z0-9_-]*")
        return None
    return text


def _fields(
    ctx: _Ctx,
    file: str,
    node: yaml.MappingNode,
    what: str,
    allowed: set[str],
    required: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, yaml.Node]:
    out: dict[str, yaml.Node] = {}
    for key, knode, value in pairs(node, file, ctx.errors):
        if key not in allowed:
            ctx.error(file, knode, f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
            continue
        out[key] = value
    for key in sorted(required - out.keys()):
        ctx.error(file, node, f"{what} has no {key!r}")
    return out


# --- documents and files -----------------------------------------------------------------


def _document(
    ctx: _Ctx,
    entry: Path,
    file: str,
    node: yaml.Node,
    seen: dict[str, int],
    link_nodes: list[tuple[str, yaml.Node]],
    pending: list[tuple[_Scope, yaml.Node]],
) -> Document | None:
    m = _mapping(ctx, file, node, "a document")
    if m is None:
        return None
    f = _fields(
        ctx,
        file,
        m,
        "document",
        {"id", "source", "title", "issuer", "date", "include", "programs", "relations"},
        {"id", "source", "title"},
    )
    doc_id = _id(ctx, file, f["id"], "document id") if "id" in f else None
    source = _text(ctx, file, f["source"], "source") if "source" in f else None
    title = _text(ctx, file, f["title"], "title") if "title" in f else None
    if doc_id is None or source is None or title is None:
        return None
    if doc_id in seen:
        ctx.error(file, f["id"], f"duplicate document id {doc_id!r} (first at line {seen[doc_id]})")
        return None
    seen[doc_id] = line_of(f["id"])
    issuer = _text(ctx, file, f["issuer"], "issuer") if "issuer" in f else None
    date = _text(ctx, file, f["date"], "date") if "date" in f else None
    parts: list[tuple[str, yaml.MappingNode]] = [(file, m)] if ("programs" in f or "relations" in f) else []
    for inc in _seq(ctx, file, f.get("include", _null()), "include"):
        included = _include(ctx, entry, file, inc, "an included file")
        if included is not None:
            parts.append(included)
    scope_programs: list[Node] = []
    relation_nodes: list[tuple[str, yaml.Node]] = []
    program_ids: dict[str, Loc] = {}
    for pfile, pm in parts:
        allowed = {"programs", "relations", "links"}
        if pm is not m:
            sub = _fields(ctx, pfile, pm, "an included file", allowed)
        else:
            sub = {k: f[k] for k in ("programs", "relations") if k in f}
        scope = _Scope(pfile, doc_id, source)
        for pnode in _seq(ctx, pfile, sub.get("programs", yaml.ScalarNode("tag:yaml.org,2002:null", "")), "programs"):
            prog = _node(ctx, scope, pnode, parent="", is_program=True)
            if prog is None:
                continue
            if prog.id in program_ids:
                first = program_ids[prog.id]
                where = f"line {first.line}" if first.file == pfile else str(first)
                ctx.error(pfile, pnode, f"duplicate program id {prog.id!r} (first at {where})")
                continue
            program_ids[prog.id] = prog.yaml
            scope_programs.append(prog)
        if "relations" in sub:
            relation_nodes.append((pfile, sub["relations"]))
        if "links" in sub:
            link_nodes.append((pfile, sub["links"]))
    pending.extend((_Scope(rfile, doc_id, source), rnode) for rfile, rnode in relation_nodes)
    return Document(doc_id, source, title, issuer, date, tuple(scope_programs), (), Loc(file, line_of(m)))


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


def _include(ctx: _Ctx, entry: Path, file: str, node: yaml.Node, what: str) -> tuple[str, yaml.MappingNode] | None:
    """Read the file an ``include:`` entry names (relative to the entry file) as a mapping."""
    rel = _text(ctx, file, node, "an include")
    if rel is None:
        return None
    path = entry.parent / rel
    if not path.is_file():
        ctx.error(file, node, f"included file {rel!r} does not exist")
        return None
    display = _display(path)
    root = _read(ctx, path, display)
    m = _mapping(ctx, display, root, what) if root is not None else None
    return (display, m) if m is not None else None


def _links_file(ctx: _Ctx, entry: Path, file: str, node: yaml.Node, out: list[tuple[str, yaml.Node]]) -> None:
    included = _include(ctx, entry, file, node, "an included links file")
    if included is None:
        return
    display, m = included
    f = _fields(ctx, display, m, "a links file", {"links"}, {"links"})
    if "links" in f:
        out.append((display, f["links"]))


# --- figures ---------------------------------------------------------------------------


def _figure(ctx: _Ctx, scope: _Scope, node: yaml.Node, ref: str, label: str) -> Figure | None:
    """A figure in compact form ``12.10 亿元 @93`` or long form ``{value, unit, line, …}``."""
    file = scope.file
    bound = note = None
    if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
        text = str(node.value)
        canonical = _CANONICAL.match(text)
        if canonical is not None:
            num, unit_text, line_text = canonical.groups()
            return _make_figure(ctx, scope, node, ref, label, num, unit_text, int(line_text))
        m = _FIGURE.match(text)
        if m is None or not m.group("num"):
            ctx.error(file, node, f"{label}: {text!r} is not a figure (expected '<number> <unit> @<line>')")
            return None
        num, unit_text, line_text = m.group("num"), m.group("unit"), m.group("line")
        if unit_text is None:
            ctx.error(file, node, f"{label}: figure {text!r} has no unit")
            return None
        if line_text is None:
            ctx.error(file, node, f"{label}: figure {text!r} has no source line (@LINE)")
            return None
    elif isinstance(node, yaml.MappingNode):
        f = _fields(
            ctx,
            file,
            node,
            f"figure {label}",
            {"value", "unit", "line", "bound", "note"},
            {"value", "unit", "line"},
        )
        if not {"value", "unit", "line"} <= f.keys():
            return None
        num = _text(ctx, file, f["value"], f"{label} value")
        unit_text = _text(ctx, file, f["unit"], f"{label} unit")
        line_text = _text(ctx, file, f["line"], f"{label} line")
        if "bound" in f:
            bound = _text(ctx, file, f["bound"], f"{label} bound")
            if bound is not None and bound not in _BOUNDS:
                ctx.error(file, f["bound"], f"{label}: bound {bound!r} must be one of {', '.join(_BOUNDS)}")
        if "note" in f:
            note = _text(ctx, file, f["note"], f"{label} note")
        if num is None or unit_text is None or line_text is None:
            return None
    else:
        ctx.error(file, node, f"{label} must be a figure ('<number> <unit> @<line>'), not {kind_name(node)}")
        return None
    return _make_figure(ctx, scope, node, ref, label, num, unit_text, line_text, bound, note)


def _make_figure(
    ctx: _Ctx,
    scope: _Scope,
    node: yaml.Node,
    ref: str,
    label: str,
    num: str,
    unit_text: str | Unit,
    line_text: str | int,
    bound: str | None = None,
    note: str | None = None,
) -> Figure | None:
    file = scope.file
    ok = True
    try:
        value = parse_number(num)
    except NumberError as exc:
        ctx.error(file, node, f"{label}: {exc}")
        ok = False
    if isinstance(unit_text, Unit):
        unit: Unit | None = unit_text
    else:
        try:
            unit = parse_unit(unit_text)
        except UnitError as exc:
            ctx.error(file, node, f"{label}: {exc}")
            unit = None
    line = line_text if isinstance(line_text, int) else _line_number(ctx, file, node, line_text, label)
    if not ok or unit is None or line is None:
        return None
    if len(str(abs(value.coefficient))) > MAX_DIGITS:
        ctx.error(file, node, f"{label}: {num!r} has more than {MAX_DIGITS} digits")
        return None
    if value.coefficient < 0 and unit.is_money:
        ctx.error(file, node, f"{label}: negative amount {num!r}: budgets state amounts, not signed balances")
        return None
    fig = Figure(ref, label, value, unit, ctx.loc(scope.source, line), ctx.loc(file, line_of(node)), bound, note)
    return ctx.add_figure(fig, node)


# --- nodes -----------------------------------------------------------------------------

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
}


def _node(ctx: _Ctx, scope: _Scope, node: yaml.Node, parent: str, is_program: bool, position: int = 0) -> Node | None:
    file = scope.file
    what = "a program" if is_program else "an item"
    m = _mapping(ctx, file, node, what)
    if m is None:
        return None
    f = _fields(ctx, file, m, what, _NODE_KEYS, {"id", "name"} if is_program else {"name"})
    if "id" in f:
        node_id = _id(ctx, file, f["id"], "program id" if is_program else "item id")
    else:
        node_id = None if is_program else str(position)
    name = _text(ctx, file, f["name"], "name") if "name" in f else None
    if node_id is None or name is None:
        return None
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
        ctx.error(file, f["only"], f"{name}: 'only' and 'split' cannot both be given")
    if only is not None and total is None:
        ctx.error(file, f["only"], f"{name}: 'only' needs a 'total'")
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
                f"duplicate item id {child.id!r} under {path} (first at line {child_ids[child.id]})",
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
            ctx.error(file, tnode, f"table id {table.id!r} is already used under {path}")
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


def _null() -> yaml.Node:
    return yaml.ScalarNode("tag:yaml.org,2002:null", "")


def _split(ctx: _Ctx, scope: _Scope, node: yaml.Node, prefix: str, path: str) -> tuple[SplitEntry, ...]:
    file = scope.file
    m = _mapping(ctx, file, node, "split")
    if m is None:
        return ()
    out: list[SplitEntry] = []
    for key, knode, value in pairs(m, file, ctx.errors):
        name = f"{path}/{key}" if path else key
        if isinstance(value, yaml.MappingNode) and any(k.value in ("amount", "split") for k, _ in value.value):
            f = _fields(ctx, file, value, f"split entry {name}", {"amount", "split", "partial"})
            amount = _figure(ctx, scope, f["amount"], prefix + name, name) if "amount" in f else None
            sub = _split(ctx, scope, f["split"], prefix, name) if "split" in f else ()
            partial = _bool(ctx, file, f["partial"], "partial") if "partial" in f else False
            out.append(SplitEntry(key, amount, sub, partial, Loc(file, line_of(knode))))
        else:
            amount = _figure(ctx, scope, value, prefix + name, name)
            out.append(SplitEntry(key, amount, (), False, Loc(file, line_of(knode))))
    return tuple(out)


def _schedule(ctx: _Ctx, scope: _Scope, node: yaml.Node, prefix: str) -> Schedule | None:
    file = scope.file
    m = _mapping(ctx, file, node, "schedule")
    if m is None:
        return None
    f = _fields(ctx, file, m, "schedule", {"kind", "of", "periods", "partial", "note"}, {"kind", "periods"})
    kind = _text(ctx, file, f["kind"], "schedule kind") if "kind" in f else None
    if kind is not None and kind not in ("incremental", "cumulative"):
        ctx.error(file, f["kind"], f"schedule kind {kind!r} must be incremental or cumulative")
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
    f = _fields(ctx, file, m, "shares", {"of", "parts", "partial", "note"}, {"parts"})
    of = (_text(ctx, file, f["of"], "shares of") if "of" in f else "total") or "total"
    parts = _named_figures(ctx, scope, f.get("parts"), prefix + "shares/", "shares parts")
    for p in parts:
        if p.unit.dimension != "percent":
            ctx.error(file, p.yaml.line, f"share {p.label!r} must be a percentage, not {p.unit.text}")
    partial = _bool(ctx, file, f["partial"], "partial") if "partial" in f else False
    return Shares(of, parts, partial, Loc(file, line_of(m)))


def _named_figures(ctx: _Ctx, scope: _Scope, node: yaml.Node | None, prefix: str, what: str) -> tuple[Figure, ...]:
    if node is None:
        return ()
    m = _mapping(ctx, scope.file, node, what)
    if m is None:
        return ()
    out = []
    for key, _k, value in pairs(m, scope.file, ctx.errors):
        fig = _figure(ctx, scope, value, prefix + key, key)
        if fig is not None:
            out.append(fig)
    return tuple(out)


# --- tables ----------------------------------------------------------------------------

_ROLES = ("detail", "subtotal", "total")


def _table(ctx: _Ctx, scope: _Scope, node: yaml.Node, parent: str) -> Table | None:
    file = scope.file
    m = _mapping(ctx, file, node, "a table")
    if m is None:
        return None
    f = _fields(
        ctx,
        file,
        m,
        "table",
        {"id", "title", "line", "unit", "columns", "column_sums", "rows", "schedules", "products", "note"},
        {"id", "title", "line", "columns", "rows"},
    )
    tid = _id(ctx, file, f["id"], "table id") if "id" in f else None
    title = _text(ctx, file, f["title"], "title") if "title" in f else None
    lt = _text(ctx, file, f["line"], "line") if "line" in f else None
    line = _line_number(ctx, file, f["line"], lt, "table line") if lt is not None else None
    unit = _unit(ctx, file, f["unit"]) if "unit" in f else None
    columns: list[Column] = []
    for cnode in _seq(ctx, file, f.get("columns", _null()), "columns"):
        col = _column(ctx, file, cnode)
        if col is None:
            continue
        if any(c.name == col.name for c in columns):
            ctx.error(file, cnode, f"duplicate column {col.name!r}")
            continue
        columns.append(col)
    names = [c.name for c in columns]
    sums: list[tuple[str, tuple[str, ...]]] = []
    if "column_sums" in f:
        cm = _mapping(ctx, file, f["column_sums"], "column_sums")
        for key, knode, value in pairs(cm, file, ctx.errors) if cm is not None else ():
            kids = [_text(ctx, file, v, "a column") for v in _seq(ctx, file, value, f"column_sums {key}")]
            for name in [key, *kids]:
                if name is not None and name not in names:
                    ctx.error(file, knode, f"column_sums names unknown column {name!r}")
            sums.append((key, tuple(k for k in kids if k is not None)))
    if tid is None or title is None or line is None:
        return None
    path = f"{parent}/{tid}"
    rows: list[Row] = []
    row_ids: set[str] = set()
    for i, rnode in enumerate(_seq(ctx, file, f.get("rows", _null()), "rows"), start=1):
        row = _row(ctx, scope, rnode, path, i, columns, unit)
        if row is None:
            continue
        if row.id in row_ids:
            ctx.error(file, rnode, f"duplicate row id {row.id!r}")
            continue
        row_ids.add(row.id)
        rows.append(row)
    for row in rows:
        for rid in row.sums or ():
            if rid not in row_ids:
                ctx.error(file, row.yaml.line, f"row {row.id!r} sums unknown row {rid!r}")
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


def _unit(ctx: _Ctx, file: str, node: yaml.Node) -> Unit | None:
    text = _text(ctx, file, node, "unit")
    if text is None:
        return None
    try:
        return parse_unit(text)
    except UnitError as exc:
        ctx.error(file, node, str(exc))
        return None


def _column(ctx: _Ctx, file: str, node: yaml.Node) -> Column | None:
    if isinstance(node, yaml.ScalarNode):
        name = _text(ctx, file, node, "column")
        return Column(name, None, True) if name is not None else None
    m = _mapping(ctx, file, node, "a column")
    if m is None:
        return None
    f = _fields(ctx, file, m, "column", {"name", "unit", "foot"}, {"name"})
    name = _text(ctx, file, f["name"], "column name") if "name" in f else None
    template = None
    if "unit" in f and "{row}" in str(getattr(f["unit"], "value", "")):
        template, unit = str(f["unit"].value), None
        try:
            parse_unit(template.replace("{row}", "个"))
        except UnitError as exc:
            ctx.error(file, f["unit"], f"column unit template {template!r}: {exc}")
            template = None
    else:
        unit = _unit(ctx, file, f["unit"]) if "unit" in f else None
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
) -> Row | None:
    file = scope.file
    m = _mapping(ctx, file, node, "a row")
    if m is None:
        return None
    f = _fields(
        ctx,
        file,
        m,
        "row",
        {"id", "label", "line", "cells", "role", "sums", "unit", "cross", "note"},
        {"label", "line", "cells"},
    )
    rid = _text(ctx, file, f["id"], "row id") if "id" in f else str(position)
    label = _text(ctx, file, f["label"], "label") if "label" in f else None
    lt = _text(ctx, file, f["line"], "line") if "line" in f else None
    line = _line_number(ctx, file, f["line"], lt, "row line") if lt is not None else None
    role = _text(ctx, file, f["role"], "role") if "role" in f else "detail"
    if role not in _ROLES:
        ctx.error(file, f["role"], f"row role {role!r} must be one of {', '.join(_ROLES)}")
        role = "detail"
    sums = None
    if "sums" in f:
        sums = tuple(t for t in (_text(ctx, file, n, "row id") for n in _seq(ctx, file, f["sums"], "sums")) if t)
    row_unit = _unit(ctx, file, f["unit"]) if "unit" in f else None
    cross = _bool(ctx, file, f["cross"], "cross") if "cross" in f else True
    if rid is None or label is None or line is None or "cells" not in f:
        return None
    cell_nodes = _seq(ctx, file, f["cells"], "cells")
    if len(cell_nodes) != len(columns):
        ctx.error(
            file,
            f["cells"],
            f"row {label!r} has {len(cell_nodes)} cells but the table has {len(columns)} columns",
        )
        return None
    cells: list[Figure | None] = []
    for col, cnode in zip(columns, cell_nodes, strict=True):
        text = cnode.value if isinstance(cnode, yaml.ScalarNode) else None
        if text is None:
            ctx.error(file, cnode, f"cell {col.name!r} must be text, not {kind_name(cnode)}")
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
                    f"cell {col.name!r} of row {label!r}: the column unit {col.unit_template!r} needs a row unit",
                )
                cells.append(None)
                continue
            cunit = parse_unit(col.unit_template.replace("{row}", row_unit.text))
        if cunit is None:
            ctx.error(
                file,
                cnode,
                f"cell {col.name!r} of row {label!r} has no unit (set the table, column or row unit)",
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


def _spec(ctx: _Ctx, file: str, node: yaml.Node, what: str, names: list[str]) -> TableSpec | None:
    m = _mapping(ctx, file, node, what)
    if m is None:
        return None
    if what == "schedules":
        f = _fields(ctx, file, m, "table schedule", {"kind", "of", "periods"}, {"kind", "of", "periods"})
        kind = _text(ctx, file, f["kind"], "kind") if "kind" in f else None
        if kind not in ("incremental", "cumulative"):
            ctx.error(file, m, "table schedule kind must be incremental or cumulative")
            return None
        of = _text(ctx, file, f["of"], "of") if "of" in f else None
        periods = [_text(ctx, file, n, "period") for n in _seq(ctx, file, f.get("periods", _null()), "periods")]
        cols = [of, *periods]
    else:
        f = _fields(ctx, file, m, "table product", {"amount", "price", "quantity"}, {"amount", "price", "quantity"})
        kind = "product"
        cols = [_text(ctx, file, f[k], k) if k in f else None for k in ("amount", "price", "quantity")]
    clean = [c for c in cols if c is not None]
    for c in clean:
        if c not in names:
            ctx.error(file, m, f"{what} names unknown column {c!r}")
    if len(clean) != len(cols) or any(c not in names for c in clean):
        return None
    return TableSpec(kind, tuple(clean), Loc(file, line_of(m)))


# --- relations and links -----------------------------------------------------------------


def _relation(ctx: _Ctx, scope: _Scope, node: yaml.Node) -> Declared | None:
    file = scope.file
    m = _mapping(ctx, file, node, "a relation")
    if m is None:
        return None
    f = _fields(ctx, file, m, "relation", {"id", "kind", "total", "parts", "note"}, {"id", "kind", "total", "parts"})
    rid = _id(ctx, file, f["id"], "relation id") if "id" in f else None
    kind = _text(ctx, file, f["kind"], "kind") if "kind" in f else None
    if kind is not None and kind not in _RELATION_KINDS:
        ctx.error(file, f["kind"], f"relation kind {kind!r} must be one of {', '.join(_RELATION_KINDS)}")
        kind = None
    total = _resolve(ctx, scope, f["total"]) if "total" in f else None
    parts = [_resolve(ctx, scope, p) for p in _seq(ctx, file, f.get("parts", _null()), "parts")]
    note = _text(ctx, file, f["note"], "note") if "note" in f else None
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
    )


def _resolve(ctx: _Ctx, scope: _Scope, node: yaml.Node) -> Figure | None:
    text = _text(ctx, scope.file, node, "a figure reference")
    if text is None:
        return None
    ref = text if "::" in text else f"{scope.doc}::{text}"
    fig = ctx.by_ref.get(ref)
    if fig is None:
        ctx.error(scope.file, node, f"reference {text!r} names no figure")
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
        first, *rest = [x for x in figs if x is not None]
        out.append(Declared(f"links::{lid}", "equal", first, tuple(rest), Loc(file, line_of(m)), note))
    seen: dict[str, int] = {}
    for link in out:
        if link.id in seen:
            ctx.error(file, link.yaml.line, f"duplicate link id {link.id!r} (first at line {seen[link.id]})")
        seen[link.id] = link.yaml.line
    return out


def _resolve_global(ctx: _Ctx, scope: _Scope, node: yaml.Node) -> Figure | None:
    text = _text(ctx, scope.file, node, "a figure reference")
    if text is None:
        return None
    if "::" not in text:
        ctx.error(scope.file, node, f"link reference {text!r} must name its document: '<doc>::<path>:<name>'")
        return None
    fig = ctx.by_ref.get(text)
    if fig is None:
        ctx.error(scope.file, node, f"reference {text!r} names no figure")
    return fig


__all__ = ["InvalidData", "load"]
