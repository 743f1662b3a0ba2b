"""The columnar form of an audit's input: a figures table and a relations table.

This is what the engine evaluates, whichever way the data came in (YAML through the rules,
or Parquet/CSV tables from :mod:`fundaudit.columnar.read`). Figures are one row each, amounts as
exact integers ``coefficient × 10**exponent`` in their unit; relations are one row each, and
their parts are offsets into one flat array of figure indices — the layout of an Arrow list
column, so that reading Parquet needs no per-row Python work.

Only the findings that are shown are turned back into :class:`~fundaudit.model.Figure` and
:class:`~fundaudit.findings.Relation` objects (:meth:`Columns.relation`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from fundaudit.findings import Relation
from fundaudit.model import Figure, Loc
from fundaudit.numbers import Written
from fundaudit.units import Unit, parse_unit

KINDS = ("sum", "sum-le", "cumulative", "product")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}

Array = np.ndarray[Any, Any]


class Texts(Protocol):
    """A column of strings (or ``None``) read one element at a time."""

    def __getitem__(self, i: int, /) -> Any: ...

    def __len__(self) -> int: ...


def filled(col: Texts) -> np.ndarray[Any, Any]:
    """Which rows of a text column hold a text (neither null nor empty), as booleans: from the
    column's own Arrow data when it has any (``filled()``), else element by element."""
    own = getattr(col, "filled", None)
    if own is not None:
        got: np.ndarray[Any, Any] = own()
        return got
    return np.fromiter((bool(col[i]) for i in range(len(col))), dtype=bool, count=len(col))


def filled_arrow(col: Any) -> np.ndarray[Any, Any]:
    """:func:`filled` of an Arrow string column (chunked or not, dictionary-encoded or not)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    bits = []
    for c in chunks:
        if pa.types.is_dictionary(c.type):
            c = c.dictionary_decode()
        full = pc.fill_null(pc.greater(pc.utf8_length(c), 0), False)  # Arrow's booleans: one bit each
        n, at = len(full), full.offset
        packed = np.frombuffer(full.buffers()[1], dtype=np.uint8, count=(at + n + 7) // 8)
        bits.append(np.unpackbits(packed, bitorder="little")[at : at + n].astype(bool))
    return np.concatenate(bits) if bits else np.zeros(0, dtype=bool)


def take(col: Texts | Lists, rows: Sequence[int]) -> list[Any]:
    """The elements at ``rows``, in one call where the column can (an Arrow column's ``take``)."""
    bulk = getattr(col, "take", None)
    if bulk is not None:
        return bulk(rows)  # type: ignore[no-any-return]
    return [col[i] for i in rows]


class Lists(Protocol):
    """A column of string lists: ``lists[i]`` is the tuple of row ``i``."""

    def __getitem__(self, i: int, /) -> tuple[str, ...]: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True, eq=False)
class FigureColumns:
    """Every figure: exact amount, unit (as an index into ``units``) and both locations.

    ``stated`` is false for a constant a rule supplies (the 100 % of a percentage split).
    """

    ref: Texts
    label: Texts
    coefficient: Array  # int64, or object (Python int) when a value does not fit
    exponent: Array  # int64: the written decimal exponent
    unit_code: Array  # int64 index into ``units``
    units: tuple[Unit, ...]
    bound: Texts
    note: Texts
    drafted: Texts  # the draft pattern that read the figure, None once a person confirmed it
    source_file: Texts
    source_line: Array
    yaml_file: Texts
    yaml_line: Array
    stated: Array  # bool

    def __len__(self) -> int:
        return len(self.exponent)

    def figure(self, i: int) -> Figure:
        """Figure ``i`` as a model object (for messages)."""
        return self.figures_at([i])[0]

    def figures_at(self, rows: Sequence[int]) -> list[Figure]:
        """The figures at ``rows`` as model objects, each column read once for all of them."""
        units = self.units
        return [
            Figure(
                ref=ref,
                label=label,
                value=Written(int(coef), exp),
                unit=units[code],
                source=Loc(sfile, sline),
                yaml=Loc(yfile, yline),
                bound=bound,
                note=note,
                drafted=drafted,
            )
            for ref, label, coef, exp, code, sfile, sline, yfile, yline, bound, note, drafted in self.fields_at(rows)
        ]

    def fields_at(self, rows: Sequence[int]) -> Iterator[tuple[Any, ...]]:
        """The fields of the figures at ``rows``, one tuple each: ref, label, coefficient, exponent,
        unit code, source file and line, YAML file and line, bound, note, drafted."""
        return zip(*self.columns_at(rows), strict=True)

    def columns_at(self, rows: Sequence[int]) -> list[list[Any]]:
        """:meth:`fields_at` column by column: one list per field, in that order."""
        return [
            take(self.ref, rows),
            take(self.label, rows),
            self.coefficient[rows].tolist(),
            self.exponent[rows].tolist(),
            self.unit_code[rows].tolist(),
            take(self.source_file, rows),
            self.source_line[rows].tolist(),
            take(self.yaml_file, rows),
            self.yaml_line[rows].tolist(),
            take(self.bound, rows),
            take(self.note, rows),
            take(self.drafted, rows),
        ]


@dataclass(frozen=True, eq=False)
class RelationColumns:
    """Every relation: kind, total and parts (figure indices), and what messages need.

    ``parts[offsets[i]:offsets[i + 1]]`` are the parts of relation ``i``. ``yaml_line`` 0
    means the relation stands where its total does (``yaml_file`` is then the total's).
    """

    id: Texts
    rule: Texts
    kind: Array  # int8 codes into KINDS
    document: Texts
    program: Texts
    subject: Texts
    what: Texts
    total: Array  # int64 figure index
    offsets: Array  # int64, len n + 1
    parts: Array  # int64 figure indices
    missing: Lists
    empty: Lists
    names: Lists  # each part's name in messages (a table row's label), empty when the labels tell them apart
    has_missing: Array  # bool
    has_empty: Array  # bool
    yaml_file: Texts
    yaml_line: Array
    note: Texts

    def __len__(self) -> int:
        return len(self.kind)


@dataclass(frozen=True, eq=False)
class Columns:
    """An audit's whole input in columns: where it came from, figures and relations."""

    path: str
    documents: int
    figures: FigureColumns
    relations: RelationColumns

    @property
    def stated_figures(self) -> int:
        return int(np.count_nonzero(self.figures.stated))

    def relation(self, i: int) -> Relation:
        """Relation ``i`` as a model object, for its finding's message."""
        return self.relations_at([i])[0]

    def relations_at(self, rows: Sequence[int]) -> list[Relation]:
        """The relations at ``rows`` as model objects (for the findings shown), read in bulk."""
        r = self.relations
        rows = list(rows)
        if not rows:
            return []
        at = np.asarray(rows, dtype=np.int64)
        starts, ends = r.offsets[at].tolist(), r.offsets[at + 1].tolist()
        totals = r.total[at].tolist()
        part_rows = [r.parts[a:b].tolist() for a, b in zip(starts, ends, strict=True)]
        needed = sorted(set(totals).union(*part_rows))
        fig = dict(zip(needed, self.figures.figures_at(needed), strict=True))
        return [
            Relation(
                id=rid,
                rule=rule,
                kind=KINDS[kind],
                total=fig[total],
                parts=tuple(fig[j] for j in parts),
                subject=subject,
                what=what,
                document=document,
                program=program,
                missing=tuple(missing),
                location=Loc(yfile, yline) if yline else None,
                note=note,
                empty=tuple(empty),
                names=tuple(names),
            )
            for (
                rid,
                rule,
                kind,
                total,
                parts,
                subject,
                what,
                document,
                program,
                missing,
                yfile,
                yline,
                note,
                empty,
                names,
            ) in zip(
                take(r.id, rows),
                take(r.rule, rows),
                r.kind[at].tolist(),
                totals,
                part_rows,
                take(r.subject, rows),
                take(r.what, rows),
                take(r.document, rows),
                take(r.program, rows),
                take(r.missing, rows),
                take(r.yaml_file, rows),
                r.yaml_line[at].tolist(),
                take(r.note, rows),
                take(r.empty, rows),
                take(r.names, rows),
                strict=True,
            )
        ]


def from_relations(path: str, documents: int, figures: Sequence[Figure], relations: Sequence[Relation]) -> Columns:
    """Columns of a model's figures and the relations its rules derived (the YAML path)."""
    index: dict[str, int] = {}
    figs: list[Figure] = []
    stated: list[bool] = []

    def add(f: Figure, is_stated: bool) -> int:
        j = index.get(f.ref)
        if j is None:
            j = index[f.ref] = len(figs)
            figs.append(f)
            stated.append(is_stated)
        elif figs[j] is not f and (figs[j].value, figs[j].unit) != (f.value, f.unit):
            raise ValueError(f"{f.yaml}: two different figures share the reference {f.ref!r}")
        return j

    for f in figures:
        add(f, True)
    total: list[int] = []
    parts: list[int] = []
    offsets = [0]
    for rel in relations:
        total.append(add(rel.total, False))
        parts.extend(add(p, False) for p in rel.parts)
        offsets.append(len(parts))
    units: dict[str, int] = {}
    unit_list: list[Unit] = []
    for f in figs:
        if f.unit.text not in units:
            units[f.unit.text] = len(unit_list)
            unit_list.append(f.unit)
    coef = [f.value.coefficient for f in figs]
    fc = FigureColumns(
        ref=[f.ref for f in figs],
        label=[f.label for f in figs],
        coefficient=int_array(coef),
        exponent=np.array([f.value.exponent for f in figs], dtype=np.int64),
        unit_code=np.array([units[f.unit.text] for f in figs], dtype=np.int64),
        units=tuple(unit_list),
        bound=[f.bound for f in figs],
        note=[f.note for f in figs],
        drafted=[f.drafted for f in figs],
        source_file=[f.source.file for f in figs],
        source_line=int_array([f.source.line for f in figs]),
        yaml_file=[f.yaml.file for f in figs],
        yaml_line=int_array([f.yaml.line for f in figs]),
        stated=np.array(stated, dtype=bool),
    )
    rc = RelationColumns(
        id=[r.id for r in relations],
        rule=[r.rule for r in relations],
        kind=np.array([KIND_CODE[r.kind] for r in relations], dtype=np.int8),
        document=[r.document for r in relations],
        program=[r.program for r in relations],
        subject=[r.subject for r in relations],
        what=[r.what for r in relations],
        total=np.array(total, dtype=np.int64),
        offsets=np.array(offsets, dtype=np.int64),
        parts=np.array(parts, dtype=np.int64),
        missing=[r.missing for r in relations],
        empty=[r.empty for r in relations],
        names=[r.names for r in relations],
        has_missing=np.array([bool(r.missing) for r in relations], dtype=bool),
        has_empty=np.array([bool(r.empty) for r in relations], dtype=bool),
        yaml_file=[r.yaml.file for r in relations],
        yaml_line=int_array([r.location.line if r.location else 0 for r in relations]),
        note=[r.note for r in relations],
    )
    return Columns(path, documents, fc, rc)


_INT64_MAX = 2**63 - 1


def int_array(values: Sequence[int]) -> Array:
    """Exact integers: int64 when every value fits, else an object array of Python ints."""
    if all(-_INT64_MAX <= v <= _INT64_MAX for v in values):
        return np.array(values, dtype=np.int64)
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def unit_table(texts: Sequence[str]) -> tuple[Unit, ...]:
    """Parse each distinct unit once (raises :class:`~fundaudit.units.UnitError`)."""
    return tuple(parse_unit(t) for t in texts)
