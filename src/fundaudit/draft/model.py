"""The values the drafting stages pass on: lines, blocks, figures read, and claims.

Every value is frozen; each stage reads the previous stage's output and returns a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the plain text the draft cites (1-based number)."""

    number: int
    text: str


Text = tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    """A numbered or titled heading: level 0 (a document or 专项 title, 附件) to 4 (（1）)."""

    level: int
    numbering: str
    title: str
    line: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text: lines joined without separators (a number broken over lines reads whole).

    ``starts[i]`` is the offset in ``text`` where ``lines[i]`` begins.
    """

    lines: tuple[Line, ...]
    text: str
    starts: tuple[int, ...]

    def where(self, offset: int) -> tuple[int, int]:
        """``(line number, column)`` of a character offset of ``text``."""
        i = 0
        for k, s in enumerate(self.starts):
            if s <= offset:
                i = k
            else:
                break
        return self.lines[i].number, offset - self.starts[i]


@dataclass(frozen=True, slots=True)
class TableBlock:
    """Tab-separated lines: a title and unit (from the lines above), header rows, body rows."""

    title: str
    title_line: int
    unit: str | None
    header_rows: tuple[Line, ...]
    rows: tuple[Line, ...]


Block = Heading | Paragraph | TableBlock


@dataclass(frozen=True, slots=True)
class Outline:
    """The blocks in document order; ``chain[i]`` is the index of each enclosing heading of block i."""

    blocks: tuple[Block, ...]
    chain: tuple[tuple[int, ...], ...]
    text: Text


@dataclass(frozen=True, slots=True)
class Fig:
    """A figure read from the text: digits as written, unit, where, and the words naming it."""

    value: str
    unit: str
    line: int
    column: int
    label: str
    bound: str | None = None
    block: int = -1
    offset: int = -1  # in the paragraph's joined text (-1 for table cells, whose column is -(j + 1))

    @property
    def key(self) -> tuple[int, int]:
        return (self.line, self.column)


@dataclass(frozen=True, slots=True)
class Claim:
    """What an extractor read: a relation between figures, or a table.

    ``kind``: ``split`` (total and funding-source parts), ``sum`` / ``sum-partial`` (a stated
    total and its listed parts), ``product`` (total = parts[0] × parts[1]), ``cumulative``,
    ``equal`` (a figure stated again), ``shares`` (percentages of a total).
    ``keys`` names the parts (funding sources, periods, items). ``pattern`` is the id of
    the extractor; ``why`` says what is uncertain (empty when nothing is).
    """

    kind: str
    pattern: str
    total: Fig | None
    parts: tuple[Fig, ...]
    keys: tuple[str, ...] = ()
    name: str = ""
    why: str = ""
    block: int = -1
    per: str = ""  # a product whose first part is a rate per one of these (按照每生 2000 元: 人)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    unit: str | None
    foot: bool
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class TableRow:
    label: str
    line: int
    cells: tuple[str, ...]
    unit: str | None = None
    role: str = "detail"
    sums: tuple[int, ...] = ()  # indexes of the rows a total row sums, when stated explicitly


@dataclass(frozen=True, slots=True)
class TableDraft:
    """A table read from a :class:`TableBlock`: numeric columns and rows (text cells → label)."""

    title: str
    line: int
    unit: str | None
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    column_sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    block: int = -1
    pattern: str = "tables"
    cumulative: tuple[str, ...] = ()  # quarter columns that are running totals
    products: tuple[tuple[str, str, str], ...] = ()  # (amount, price, quantity) columns: price × quantity = amount
    # sums between cells the table's structure cannot state: ((row line, column), ((row line, column), ...))
    cell_sums: tuple[tuple[tuple[int, int], tuple[tuple[int, int], ...]], ...] = ()

    def figures(self) -> list[tuple[int, str]]:
        """``(line, digits)`` of every numeric cell."""
        return [(r.line, c) for r in self.rows for c in r.cells if _is_number(c)]


def is_number(text: str) -> bool:
    """Plain ASCII digits with an optional decimal part, as a table cell holds a figure."""
    return _is_number(text)


def _is_number(text: str) -> bool:
    head, _, tail = text.partition(".")
    return head.isdigit() and head.isascii() and (tail == "" or (tail.isdigit() and tail.isascii()))


@dataclass(frozen=True)
class Found:
    """Everything the pipeline read from one document."""

    outline: Outline
    figures: tuple[Fig, ...]
    claims: tuple[Claim, ...]
    tables: tuple[TableDraft, ...]
    consumed: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    problems: tuple[str, ...] = ()  # extractors that failed on a block (the draft goes on without them)
