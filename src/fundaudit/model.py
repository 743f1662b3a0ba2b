"""The typed, immutable budget model: documents → programs → items, figures and relations.

Everything here is built once by :mod:`fundaudit.loader` and never mutated; rules read it.
Every figure and every structural element carries its YAML location, and every figure its
source document line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from fundaudit.numbers import Written
from fundaudit.units import Unit


@dataclass(frozen=True, slots=True)
class Loc:
    """A place in a file: ``file:line`` (1-based)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True, eq=False)
class Figure:
    """One stated figure: digits as written, unit, and where it is stated.

    ``ref`` is its full reference (``doc::path:name``); ``label`` is a short human name
    (``中央``, ``total``, a column name) used in messages.
    """

    ref: str
    label: str
    value: Written
    unit: Unit
    source: Loc
    yaml: Loc
    bound: str | None = None
    note: str | None = None
    drafted: str | None = None  # the draft pattern that read it, until a person confirms it

    @property
    def text(self) -> str:
        """The figure as written, with its unit: ``194.08 亿元``."""
        return f"{self.value.text()} {self.unit.text}"


@dataclass(frozen=True, slots=True)
class SplitEntry:
    """One funding source of a split; a source may itself split into named channels.

    ``whole`` names a channel the entire amount belongs to (``all: 提前下达`` for
    均为含提前安排资金): the amount is also that channel's amount.
    """

    key: str
    amount: Figure | None
    split: tuple[SplitEntry, ...]
    partial: bool
    yaml: Loc
    whole: str | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """Per-period amounts (quarters, years) making up one figure of a node."""

    kind: str  # "incremental" | "cumulative"
    of: str
    periods: tuple[Figure, ...]
    partial: bool
    yaml: Loc
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Shares:
    """A percentage split of one figure of a node."""

    of: str
    parts: tuple[Figure, ...]
    partial: bool
    yaml: Loc


@dataclass(frozen=True, slots=True)
class Column:
    """A numeric column; ``unit_template`` such as ``万元/{row}`` takes each row's unit."""

    name: str
    unit: Unit | None
    foot: bool
    unit_template: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    label: str
    role: str  # "detail" | "subtotal" | "total"
    sums: tuple[str, ...] | None
    cross: bool
    cells: tuple[Figure | None, ...]  # None: an empty cell
    source: Loc
    yaml: Loc


@dataclass(frozen=True, slots=True)
class TableSpec:
    """Per-row checks of a table: a schedule over columns or a product of columns."""

    kind: str
    columns: tuple[str, ...]
    yaml: Loc


@dataclass(frozen=True, slots=True)
class Table:
    path: str
    id: str
    title: str
    source: Loc
    yaml: Loc
    columns: tuple[Column, ...]
    column_sums: tuple[tuple[str, tuple[str, ...]], ...]
    rows: tuple[Row, ...]
    schedules: tuple[TableSpec, ...]
    products: tuple[TableSpec, ...]


@dataclass(frozen=True, slots=True)
class Node:
    """A program (专项) or an item (sub-project) at any depth."""

    path: str
    id: str
    name: str
    yaml: Loc
    source: Loc | None
    total: Figure | None
    only: str | None
    split: tuple[SplitEntry, ...]
    split_partial: bool
    items: tuple[Node, ...]
    items_partial: bool
    figures: tuple[Figure, ...]
    schedule: Schedule | None
    shares: Shares | None
    tables: tuple[Table, ...]
    note: str | None = None

    def walk(self) -> Iterator[Node]:
        """This node and every item below it, depth first."""
        yield self
        for item in self.items:
            yield from item.walk()


@dataclass(frozen=True, slots=True)
class Declared:
    """A relation declared in a ``relations:`` block, or a cross-document link."""

    id: str
    kind: str
    total: Figure
    parts: tuple[Figure, ...]
    yaml: Loc
    note: str | None = None
    drafted: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    source: str
    title: str
    issuer: str | None
    date: str | None
    programs: tuple[Node, ...]
    relations: tuple[Declared, ...]
    yaml: Loc

    def nodes(self) -> Iterator[Node]:
        for program in self.programs:
            yield from program.walk()


@dataclass(frozen=True, slots=True)
class Budget:
    """The whole loaded data: documents, cross-document links, and every figure in order."""

    path: str
    documents: tuple[Document, ...]
    links: tuple[Declared, ...]
    figures: tuple[Figure, ...] = field(repr=False)

    def nodes(self) -> Iterator[tuple[Document, Node]]:
        for doc in self.documents:
            for node in doc.nodes():
                yield doc, node

    def tables(self) -> Iterator[tuple[Document, Node, Table]]:
        for doc, node in self.nodes():
            for table in node.tables:
                yield doc, node, table
