"""An included file in the layout ``fundaudit fmt`` writes, read into the model without composing YAML nodes.

:func:`read` parses the file with :mod:`fundaudit.loader.subset` and builds its part of the
model from the plain values, as :func:`fundaudit.loader.documents.read_part` builds it from the
composed nodes: the same programs, items, tables and rows, the same figures in the same order,
with the same lines. What it does not build itself (a program with ``shares``, ``only`` or
``drafted``, a table with column sums, schedules, products, a column unit template or
``drafted``, a figure not in compact form, a number that needs parse_number's checks) it hands
to those very readers, as the nodes the composer would have made. Any doubt gives None: the
parser's, anything that would be an error, and a file with ``relations:`` or ``links:`` (the
model keeps those as YAML nodes). The file is then read the usual way, which reports every
error as before. The figures are registered in a context of the file's own; the caller
registers them again in the load's, in order, as it does for a file taken from the cache.

The entry file is read the same way when it can (:func:`entry`): its nodes are made from the
plain tree, but each document's ``programs:`` list is a :class:`Deferred` node that
:func:`programs` builds directly (its nodes are made only if the usual readers need them).
Workers (:mod:`fundaudit.loader.parallel`) read files with :func:`read` too and send the part's
plain values. The figures made here are made empty and filled a column at a time when the part
is done (:mod:`fundaudit.loader.adopt`).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import yaml

from fundaudit.loader.adopt import Batch
from fundaudit.loader.cache import Part
from fundaudit.loader.context import _CANONICAL, _ID, _Ctx, _Scope, _valid_line
from fundaudit.loader.figures import _LINE_DIGITS, _SHORT, _figure, _make_figure
from fundaudit.loader.nodes import _NODE_KEYS, _SCHEDULE_KEYS, _SCHEDULE_REQUIRED, _node
from fundaudit.loader.subset import Map, Seq, parse
from fundaudit.loader.tables import _ROLES, _ROW_KEYS, _ROW_REQUIRED, _table
from fundaudit.model import Column, Figure, Loc, Node, Row, Schedule, SplitEntry, Table
from fundaudit.numbers import Written
from fundaudit.units import Unit, UnitError, parse_unit
from fundaudit.yamlnodes import Limits

_OTHER_TOP = re.compile(r"^(?!programs:|#|\s|$)", re.MULTILINE)  # a line at column 0 but "programs:" or a comment
_NUMBER = re.compile(r"(0|[1-9][0-9]*)(?:\.([0-9]+))?\Z")  # parse_number's, no sign: nothing to refuse
_EMPTY_CELLS = frozenset(("", "-", "—", "/", "~", "null"))
_SLOW_NODE = frozenset(("shares", "only", "drafted"))  # read by loader.nodes
_TABLE_KEYS = frozenset(
    ("id", "title", "line", "unit", "columns", "column_sums", "rows", "schedules", "products", "note", "drafted")
)
_TABLE_REQUIRED = frozenset(("id", "title", "line", "columns", "rows"))
_SLOW_TABLE = frozenset(("column_sums", "schedules", "products", "drafted"))  # read by loader.tables
_SPLIT_KEYS = frozenset(("amount", "split", "partial", "all"))
_COLUMN_KEYS = frozenset(("name", "unit", "foot"))
_STR, _NULL, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "null", "seq", "map"))


_T = TypeVar("_T")
_new = object.__new__


class _Doubt(Exception):
    """Not built here with certainty: the file is read the usual way."""


def read(data: bytes, file: str, doc: str, source: str, limits: Limits) -> Part | None:
    """The part of document ``doc`` that the included file ``file`` (its bytes) gives, or None (read it as usual).

    Its figures are in the order the usual reader registers them; a figure whose reference is
    taken (in this file too) is found when the caller registers them, as for a cached part.
    """
    return build(tree(data, limits, programs_only=True), file, doc, source, limits)


def tree(data: bytes, limits: Limits, programs_only: bool = False) -> Map | None:
    """The file's plain tree (:func:`fundaudit.loader.subset.parse`), or None.

    ``programs_only``: None at once for a file with another top-level key than ``programs``
    (``relations:``, ``links:``), which :func:`build` would not take.
    """
    if len(data) > limits.max_bytes:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if programs_only and _OTHER_TOP.search(text):
        return None
    return parse(text, limits.max_depth, limits.max_scalar)


def build(root: Map | None, file: str, doc: str, source: str, limits: Limits) -> Part | None:
    """The part the file's plain tree ``root`` gives (see :func:`read`), or None."""
    if root is None or root.keys() != {"programs"}:
        return None
    made = _Build(_Ctx(limits), _Scope(file, doc, source))
    try:
        programs = made.programs(root["programs"], _at(root, "programs", root.line, root["programs"]))
    except _Doubt:
        return None
    if made.ctx.errors:
        return None
    made.fill()
    return Part(tuple(programs), tuple(made.ctx.figures), None, None)


def _at(container: dict[str, Any] | list[Any], key: Any, line: int, value: Any) -> int:
    """The line a value starts on: its own (written in block style), else its key's or item's, else ``line``."""
    if type(value) is Map or type(value) is Seq:
        return int(value.line)
    if type(container) is Map or type(container) is Seq:
        lines = container.lines
        return int(lines[key]) if lines is not None else line
    return line


def _node_of(value: Any, line: int) -> yaml.Node:
    """The node the composer makes of ``value`` (starting on ``line``), for the usual readers.

    The same tags, values and lines (the reader takes no null written as a word, no null key,
    nothing whose column a message would give).
    """
    mark = _mark(line)
    if value is None:
        return yaml.ScalarNode(_NULL, "", mark, mark)
    if type(value) is str:
        return yaml.ScalarNode(_STR, value, mark, mark)
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            at = _at(value, key, line, None)
            key_mark = _mark(at)
            pairs.append((yaml.ScalarNode(_STR, key, key_mark, key_mark), _node_of(item, _at(value, key, line, item))))
        return yaml.MappingNode(_MAP, pairs, mark, mark)
    return yaml.SequenceNode(_SEQ, [_node_of(x, _at(value, i, line, x)) for i, x in enumerate(value)], mark, mark)


class Deferred(yaml.SequenceNode):
    """The ``programs:`` list of a document in the entry file, as the quick reader has it.

    :func:`programs` builds it directly; its ``value`` (the nodes the composer makes of it) is
    made only when asked, for the usual readers.
    """

    def __init__(self, plain: Seq, line: int) -> None:
        self.plain = plain
        self._nodes: list[yaml.Node] | None = None
        super().__init__(_SEQ, None, _mark(line), _mark(line))

    @property
    def value(self) -> list[yaml.Node]:
        if self._nodes is None:
            self._nodes = _node_of(self.plain, self.start_mark.line + 1).value
        return self._nodes

    @value.setter
    def value(self, nodes: list[yaml.Node] | None) -> None:
        self._nodes = nodes


def entry(data: bytes, limits: Limits) -> yaml.Node | None:
    """The entry file's top node, as the composer makes it, or None (compose it as usual).

    Each document's ``programs:`` written as a block list is a :class:`Deferred` node.
    """
    root = tree(data, limits)
    if root is None:
        return None
    documents = root.get("documents")
    if type(documents) is not Seq:
        return _node_of(root, root.line)
    listed = Seq(Map(doc) if type(doc) is Map else doc for doc in documents)  # shallow copies
    listed.line, listed.lines = documents.line, documents.lines
    deferred: dict[int, Deferred] = {}
    for i, doc in enumerate(listed):
        if type(doc) is Map:
            doc.line, doc.lines = documents[i].line, documents[i].lines
            if type(doc.get("programs")) is Seq:
                deferred[i] = Deferred(doc["programs"], doc["programs"].line)
                doc["programs"] = None  # a placeholder, replaced below
    plain = Map(root)
    plain.line, plain.lines = root.line, root.lines
    plain["documents"] = listed
    top = _node_of(plain, root.line)
    for key, value in top.value:
        if key.value == "documents":
            for i, doc in enumerate(value.value):
                if i in deferred:
                    doc.value = [(k, deferred[i] if k.value == "programs" else v) for k, v in doc.value]
    return top


def programs(ctx: _Ctx, scope: _Scope, node: Deferred) -> list[Node] | None:
    """The programs of a :class:`Deferred` list, their figures registered in ``ctx``; None: read them as usual."""
    made = _Build(_Ctx(ctx.limits), scope)
    try:
        built = made.programs(node.plain, node.plain.line)
    except _Doubt:
        return None
    if made.ctx.errors:
        return None
    made.fill()
    ctx.add_part(Part(tuple(built), tuple(made.ctx.figures), None, None))
    return built


def _mark(line: int) -> yaml.Mark:
    return yaml.Mark("", 0, line - 1, 0, "", 0)


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Doubt
    return value


def _bool(value: Any) -> bool:
    if value != "true" and value != "false":
        raise _Doubt
    return bool(value == "true")


def _line(value: Any) -> int:
    if type(value) is str and value.isdigit() and value.isascii() and len(value) < _LINE_DIGITS and value[0] != "0":
        return int(value)  # fewer digits than MAX_LINE, no leading zero: a valid line
    line = _valid_line(_text(value))
    if line is None:
        raise _Doubt
    return line


def _id(value: Any) -> str:
    if type(value) is not str or _ID.match(value) is None:
        raise _Doubt
    return value


def _unit(value: Any) -> Unit:
    try:
        return parse_unit(_text(value))
    except UnitError:
        raise _Doubt from None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Doubt
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Doubt
    return value


class _Build:
    """Builds the part; figures made here are appended to ``ctx.figures`` (the usual readers, which
    this calls for what it does not build itself, register theirs there too, in order)."""

    def __init__(self, ctx: _Ctx, scope: _Scope) -> None:
        self.ctx = ctx
        self.scope = scope
        self.file = scope.file
        self.units: dict[str, Unit] = {}
        self.sources: dict[str, Loc] = {}  # by the text of the source line
        self.lines: dict[int, Loc] = {}  # by the line in this file
        self.figures = ctx.figures
        # the figures made here, and their values, filled by fill() (fundaudit.loader.adopt)
        self.made = Batch(Figure)
        self.values = Batch(Written)

    def fill(self) -> None:
        """Set the fields of the figures made here (none may be read before)."""
        self.values.fill()
        self.made.fill()

    def programs(self, value: Any, line: int) -> list[Node]:
        programs = _list(value)
        return [self.node(p, _at(programs, i, line, p), "", True, 0) for i, p in enumerate(programs)]

    def node(self, value: Any, line: int, parent: str, is_program: bool, position: int) -> Node:
        """A program or an item, as :func:`fundaudit.loader.nodes._node` reads it."""
        m = _mapping(value)
        if not m.keys() <= _NODE_KEYS:
            raise _Doubt
        if not _SLOW_NODE.isdisjoint(m.keys()):
            return self._slow(_node(self.ctx, self.scope, _node_of(m, line), parent, is_program, position))
        scope = self.scope
        if "id" in m:
            node_id = _id(m["id"])
        elif is_program:
            raise _Doubt
        else:
            node_id = str(position)
        name = _text(m.get("name"))
        path = f"{parent}/{node_id}" if parent else node_id
        prefix = f"{scope.doc}::{path}:"
        source_line = _line(m["line"]) if "line" in m else None
        total = (
            self.figure(m["total"], _at(m, "total", line, m["total"]), prefix + "total", f"{name} total")
            if "total" in m
            else None
        )
        split = self.split(m["split"], _at(m, "split", line, m["split"]), prefix, "") if "split" in m else ()
        items: list[Node] = []
        child_ids: dict[str, int] = {}
        if "items" in m:
            listed = _list(m["items"])
            at = _at(m, "items", line, listed)
            for i, item in enumerate(listed, start=1):
                child = self.node(item, _at(listed, i - 1, at, item), path, False, i)
                if child.id in child_ids:
                    raise _Doubt
                child_ids[child.id] = child.yaml.line
                items.append(child)
        figures: list[Figure] = []
        if "figures" in m:
            named = _mapping(m["figures"])
            figures = self.named(named, _at(m, "figures", line, named), prefix)
        schedule = (
            self.schedule(m["schedule"], _at(m, "schedule", line, m["schedule"]), prefix) if "schedule" in m else None
        )
        tables: list[Table] = []
        if "tables" in m:
            listed = _list(m["tables"])
            at = _at(m, "tables", line, listed)
            for tnode in listed:
                table = self.table(tnode, _at(listed, len(tables), at, tnode), path)
                if table.id in child_ids:
                    raise _Doubt
                child_ids[table.id] = table.yaml.line
                tables.append(table)
        return Node(
            path=path,
            id=node_id,
            name=name,
            yaml=self.lines.get(line) or self.line(line),
            source=Loc(scope.source, source_line) if source_line else None,
            total=total,
            only=None,
            split=split,
            split_partial=_bool(m["split_partial"]) if "split_partial" in m else False,
            items=tuple(items),
            items_partial=_bool(m["items_partial"]) if "items_partial" in m else False,
            figures=tuple(figures),
            schedule=schedule,
            shares=None,
            tables=tuple(tables),
            note=_text(m["note"]) if "note" in m else None,
        )

    def _slow(self, made: _T | None) -> _T:
        """What a usual reader made, when it found nothing wrong."""
        if made is None or self.ctx.errors:
            raise _Doubt
        return made

    def figure(self, value: Any, line: int, ref: str, label: str) -> Figure:
        """A figure, as :func:`fundaudit.loader.figures._figure` reads it (its common case, here, directly)."""
        if type(value) is str:
            canonical = _CANONICAL.match(value)
            if canonical is not None:
                num, unit_text, source = canonical.groups()
                if num[0] != "-" and len(num) <= _SHORT and len(source) < _LINE_DIGITS:
                    unit = self.units.get(unit_text) or self.unit(unit_text)
                    if unit is not None:
                        whole, _dot, decimals = num.partition(".")
                        where = self.sources.get(source) or self.source(source)
                        at = self.lines.get(line) or self.line(line)
                        value = _new(Written)
                        self.values.objects.append(value)
                        self.values.rows.append((int(whole + decimals), -len(decimals)))
                        fig = _new(Figure)
                        self.made.objects.append(fig)
                        self.made.rows.append((ref, label, value, unit, where, at, None, None, self.scope.drafted))
                        self.figures.append(fig)
                        return fig
        return self._slow(_figure(self.ctx, self.scope, _node_of(value, line), ref, label))

    def source(self, text: str) -> Loc:
        where = self.sources[text] = Loc(self.scope.source, int(text))
        return where

    def line(self, line: int) -> Loc:
        at = self.lines[line] = Loc(self.file, line)
        return at

    def unit(self, text: str) -> Unit | None:
        try:
            unit = self.units[text] = parse_unit(text)
        except UnitError:
            return None
        return unit

    def add(self, ref: str, label: str, value: Written, unit: Unit, source: str, line: int) -> Figure:
        """The figure ``value unit @source``, written on ``line``, appended to the part's figures."""
        where = self.sources.get(source) or self.source(source)
        at = self.lines.get(line) or self.line(line)
        fig = _new(Figure)
        self.made.objects.append(fig)
        self.made.rows.append((ref, label, value, unit, where, at, None, None, self.scope.drafted))
        self.figures.append(fig)
        return fig

    def named(self, m: dict[str, Any], line: int, prefix: str) -> list[Figure]:
        if type(m) is not Map:  # a flow mapping: every figure on its line
            figure = self.figure
            return [figure(value, line, prefix + key, key) for key, value in m.items()]
        return [self.figure(value, _at(m, key, line, value), prefix + key, key) for key, value in m.items()]

    def split(self, value: Any, line: int, prefix: str, path: str) -> tuple[SplitEntry, ...]:
        """A ``split:``, as :func:`fundaudit.loader.nodes._split` reads it."""
        m = _mapping(value)
        out: list[SplitEntry] = []
        lines = m.lines if type(m) is Map else None
        for key, entry in m.items():
            name = f"{path}/{key}" if path else key
            at = line if lines is None else lines[key]  # the key's line
            where = self.lines.get(at) or self.line(at)
            if type(entry) is str:  # the common case
                out.append(SplitEntry(key, self.figure(entry, at, prefix + name, name), (), False, where))
                continue
            here = _at(m, key, line, entry)
            if isinstance(entry, dict) and ("amount" in entry or "split" in entry):
                if not entry.keys() <= _SPLIT_KEYS:
                    raise _Doubt
                amount = (
                    self.figure(entry["amount"], _at(entry, "amount", here, entry["amount"]), prefix + name, name)
                    if "amount" in entry
                    else None
                )
                sub = (
                    self.split(entry["split"], _at(entry, "split", here, entry["split"]), prefix, name)
                    if "split" in entry
                    else ()
                )
                partial = _bool(entry["partial"]) if "partial" in entry else False
                whole = _text(entry["all"]) if "all" in entry else None
                if whole is not None and (amount is None or sub):
                    raise _Doubt
                out.append(SplitEntry(key, amount, sub, partial, where, whole))
            else:
                out.append(SplitEntry(key, self.figure(entry, here, prefix + name, name), (), False, where))
        return tuple(out)

    def schedule(self, value: Any, line: int, prefix: str) -> Schedule:
        """A ``schedule:``, as :func:`fundaudit.loader.nodes._schedule` reads it."""
        m = _mapping(value)
        if not m.keys() <= _SCHEDULE_KEYS or not m.keys() >= _SCHEDULE_REQUIRED:
            raise _Doubt
        kind = _text(m["kind"])
        if kind not in ("incremental", "cumulative"):
            raise _Doubt
        of = (_text(m["of"]) if "of" in m else "total") or "total"
        periods = self.named(_mapping(m["periods"]), _at(m, "periods", line, m["periods"]), prefix + "schedule/")
        partial = _bool(m["partial"]) if "partial" in m else False
        note = _text(m["note"]) if "note" in m else None
        return Schedule(kind, of, tuple(periods), partial, Loc(self.file, line), note)

    def table(self, value: Any, line: int, parent: str) -> Table:
        """A table, as :func:`fundaudit.loader.tables._table` reads it."""
        m = _mapping(value)
        if not m.keys() <= _TABLE_KEYS or not m.keys() >= _TABLE_REQUIRED:
            raise _Doubt
        listed = _list(m["columns"])
        if not _SLOW_TABLE.isdisjoint(m.keys()) or any(
            isinstance(c, dict) and type(c.get("unit")) is str and "{row}" in c["unit"] for c in listed
        ):
            return self._slow(_table(self.ctx, self.scope, _node_of(m, line), parent))
        tid = _id(m["id"])
        title = _text(m["title"])
        source_line = _line(m["line"])
        unit = _unit(m["unit"]) if "unit" in m else None
        columns: list[Column] = []
        for c in listed:
            if type(c) is str:
                col = Column(c, None, True)
            else:
                cm = _mapping(c)
                if not cm.keys() <= _COLUMN_KEYS:
                    raise _Doubt
                col = Column(
                    _text(cm.get("name")),
                    _unit(cm["unit"]) if "unit" in cm else None,
                    _bool(cm["foot"]) if "foot" in cm else True,
                )
            if any(c.name == col.name for c in columns):
                raise _Doubt
            columns.append(col)
        path = f"{parent}/{tid}"
        rows: list[Row] = []
        row_ids: set[str] = set()
        listed = _list(m["rows"])
        at = _at(m, "rows", line, listed)
        for i, rnode in enumerate(listed, start=1):
            row = self.row(rnode, _at(listed, i - 1, at, rnode), path, i, columns, unit)
            if row.id in row_ids:
                raise _Doubt
            row_ids.add(row.id)
            rows.append(row)
        if any(rid not in row_ids for row in rows for rid in row.sums or ()):
            raise _Doubt
        return Table(
            path=path,
            id=tid,
            title=title,
            source=Loc(self.scope.source, source_line),
            yaml=Loc(self.file, line),
            columns=tuple(columns),
            column_sums=(),
            rows=tuple(rows),
            schedules=(),
            products=(),
        )

    def row(self, value: Any, line: int, path: str, position: int, columns: list[Column], unit: Unit | None) -> Row:
        """A row, as :func:`fundaudit.loader.tables._row` reads it."""
        m = _mapping(value)
        if not m.keys() <= _ROW_KEYS or not m.keys() >= _ROW_REQUIRED:
            raise _Doubt
        rid = _text(m["id"]) if "id" in m else str(position)
        if rid == "":
            raise _Doubt  # _table's check of a row's given id would find "" among the ids
        label = _text(m["label"])
        source_text = m["line"]
        source_line = _line(source_text)
        role = _text(m["role"]) if "role" in m else "detail"
        if role not in _ROLES:
            raise _Doubt
        sums = None
        if "sums" in m:
            texts = [_text(t) for t in _list(m["sums"])]
            if rid in texts or len(set(texts)) != len(texts):
                raise _Doubt
            sums = tuple(t for t in texts if t)
        row_unit = _unit(m["unit"]) if "unit" in m else None
        cross = _bool(m["cross"]) if "cross" in m else True
        cells = _list(m["cells"])
        if len(cells) != len(columns):
            raise _Doubt
        at = _at(m, "cells", line, cells)
        lines = cells.lines if type(cells) is Seq else None
        prefix = f"{self.scope.doc}::{path}/{rid}:"
        made: list[Figure | None] = []
        for i, (col, cell) in enumerate(zip(columns, cells, strict=True)):
            if cell is None:
                made.append(None)
                continue
            if type(cell) is not str:
                raise _Doubt
            text = cell.strip()
            if text in _EMPTY_CELLS:
                made.append(None)
                continue
            cunit = col.unit or row_unit or unit
            if cunit is None:
                raise _Doubt
            here = at if lines is None else lines[i]
            number = _NUMBER.match(text)
            if number is not None and len(text) <= _SHORT:
                whole, decimals = number.groups("")
                value = _new(Written)
                self.values.objects.append(value)
                self.values.rows.append((int(whole + decimals), -len(decimals)))
                made.append(self.add(prefix + col.name, col.name, value, cunit, source_text, here))
            else:
                fig = _make_figure(
                    self.ctx, self.scope, _node_of(cell, here), prefix + col.name, col.name, text, cunit, source_line
                )
                made.append(self._slow(fig))
        return Row(
            rid,
            label,
            role,
            sums,
            cross,
            tuple(made),
            self.sources.get(source_text) or self.source(source_text),
            self.lines.get(line) or self.line(line),
        )
