"""Figures and relations as tables: Parquet (or CSV) files that ``fundaudit check`` reads.

A directory holds ``figures.parquet`` and ``relations.parquet`` (or ``figures.csv`` and
``relations.csv``) and optionally ``manifest.json``. The schemas (docs/columnar.md):

figures: ``ref`` (unique), ``document``, ``program``, ``label``, ``coefficient`` (int64, or
DECIMAL(38, 0) when a value does not fit), ``exponent`` (int32): the amount is exactly
``coefficient × 10**exponent`` in ``unit`` — ``12.10`` is 1210 and −2, never a float;
``unit``, ``dimension``, ``unit_pow10``, ``bound``, ``note`` (nullable), ``source_file``,
``source_line``, ``yaml_file``, ``yaml_line``, ``stated`` (false for a constant a rule supplies).

relations: ``id`` (unique), ``rule``, ``kind`` (sum | sum-le | cumulative | product),
``document``, ``program``, ``subject``, ``what``, ``total_ref``, ``part_refs`` (list of refs;
in CSV one cell joined by ``|``), ``missing``, ``empty`` (lists of names), ``yaml_file``,
``yaml_line`` (0: where its total stands), ``note``.

Reading checks every table before anything is audited and reports every problem at once,
each with its file, row and column; no per-row Python work is done on the way in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fundaudit.columnar.arrays import KINDS, Columns, FigureColumns, RelationColumns, int_array
from fundaudit.errors import InvalidData, LoadError
from fundaudit.units import Unit, UnitError, parse_unit

LIST_SEP = "\x1f"  # ASCII unit separator: a list cell of CSV (names may hold "|")
FORMATS = ("parquet", "csv")
_MAX_LISTED = 20  # rows listed per kind of problem, then a count

FIGURES = pa.schema(
    [
        ("ref", pa.string()),
        ("document", pa.string()),
        ("program", pa.string()),
        ("label", pa.string()),
        ("coefficient", pa.int64()),
        ("exponent", pa.int32()),
        ("unit", pa.string()),
        ("dimension", pa.string()),
        ("unit_pow10", pa.int32()),
        ("bound", pa.string()),
        ("note", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("yaml_file", pa.string()),
        ("yaml_line", pa.int32()),
        ("stated", pa.bool_()),
    ]
)
RELATIONS = pa.schema(
    [
        ("id", pa.string()),
        ("rule", pa.string()),
        ("kind", pa.string()),
        ("document", pa.string()),
        ("program", pa.string()),
        ("subject", pa.string()),
        ("what", pa.string()),
        ("total_ref", pa.string()),
        ("part_refs", pa.list_(pa.string())),
        ("missing", pa.list_(pa.string())),
        ("empty", pa.list_(pa.string())),
        ("yaml_file", pa.string()),
        ("yaml_line", pa.int32()),
        ("note", pa.string()),
    ]
)
_NULLABLE = {"bound", "note"}
_LISTS = ("part_refs", "missing", "empty")
_FEW_VALUES = ("document", "program", "unit", "dimension", "source_file", "yaml_file", "bound", "note", "rule", "kind")


# ---------------------------------------------------------------------------------------- write


def tables(cols: Columns) -> tuple[pa.Table, pa.Table]:
    """The figures and relations tables of ``cols``."""
    f, r = cols.figures, cols.relations
    units = f.units
    code = f.unit_code
    coefficient: pa.Array
    if f.coefficient.dtype == object:
        from decimal import Decimal

        coefficient = pa.array([Decimal(int(c)) for c in f.coefficient], type=pa.decimal128(38, 0))
    else:
        coefficient = pa.array(f.coefficient, type=pa.int64())
    refs = np.asarray(_col(f.ref), dtype=object)
    fig = pa.table(
        {
            "ref": pa.array(refs, pa.string()),
            "document": pa.array([s.split("::", 1)[0] for s in refs], pa.string()),
            "program": pa.array([_program(s) for s in refs], pa.string()),
            "label": pa.array(_col(f.label), pa.string()),
            "coefficient": coefficient,
            "exponent": pa.array(f.exponent, pa.int32()),
            "unit": pa.array([units[c].text for c in code], pa.string()),
            "dimension": pa.array([units[c].dimension for c in code], pa.string()),
            "unit_pow10": pa.array([units[c].pow10 for c in code], pa.int32()),
            "bound": pa.array(_col(f.bound), pa.string()),
            "note": pa.array(_col(f.note), pa.string()),
            "source_file": pa.array(_col(f.source_file), pa.string()),
            "source_line": pa.array(f.source_line, pa.int32()),
            "yaml_file": pa.array(_col(f.yaml_file), pa.string()),
            "yaml_line": pa.array(f.yaml_line, pa.int32()),
            "stated": pa.array(f.stated, pa.bool_()),
        }
    )
    part_refs = pa.ListArray.from_arrays(pa.array(r.offsets, pa.int32()), pa.array(refs[r.parts], pa.string()))
    rel = pa.table(
        {
            "id": pa.array(_col(r.id), pa.string()),
            "rule": pa.array(_col(r.rule), pa.string()),
            "kind": pa.array([KINDS[k] for k in r.kind], pa.string()),
            "document": pa.array(_col(r.document), pa.string()),
            "program": pa.array(_col(r.program), pa.string()),
            "subject": pa.array(_col(r.subject), pa.string()),
            "what": pa.array(_col(r.what), pa.string()),
            "total_ref": pa.array(refs[r.total], pa.string()),
            "part_refs": part_refs,
            "missing": pa.array([list(m) for m in _each(r.missing)], pa.list_(pa.string())),
            "empty": pa.array([list(m) for m in _each(r.empty)], pa.list_(pa.string())),
            "yaml_file": pa.array(_col(r.yaml_file), pa.string()),
            "yaml_line": pa.array(r.yaml_line, pa.int32()),
            "note": pa.array(_col(r.note), pa.string()),
        }
    )
    return fig, rel


def _col(texts: Any) -> list[Any]:
    return [texts[i] for i in range(len(texts))]


def _each(lists: Any) -> Iterator[tuple[str, ...]]:
    return (lists[i] for i in range(len(lists)))


def _program(ref: str) -> str:
    return ref.split("::", 1)[-1].split(":", 1)[0].split("/", 1)[0].split("#", 1)[0]


def write(cols: Columns, out: Path, fmt: str = "parquet") -> list[Path]:
    """Write ``cols`` into directory ``out`` as Parquet or CSV; returns the files written.

    The tables are encoded in memory and written together through ``fundaudit.outputs``:
    all files or none, each atomically.
    """
    from fundaudit.outputs import write_all

    fig, rel = tables(cols)
    files: dict[Path, bytes] = {}
    if fmt == "parquet":
        import pyarrow.parquet as pq

        for name, table in (("figures", fig), ("relations", rel)):
            sink = pa.BufferOutputStream()
            pq.write_table(table, sink, compression="zstd")
            files[out / f"{name}.parquet"] = sink.getvalue().to_pybytes()
    elif fmt == "csv":
        import pyarrow.csv as pcsv

        for name, table in (("figures", fig), ("relations", _joined_lists(rel))):
            sink = pa.BufferOutputStream()
            pcsv.write_csv(table, sink)
            files[out / f"{name}.csv"] = sink.getvalue().to_pybytes()
    else:
        raise ValueError(f"unknown table format {fmt!r} (choose from {', '.join(FORMATS)})")
    manifest = {"fundaudit_tables": 1, "data": cols.path, "documents": cols.documents, "format": fmt}
    files[out / "manifest.json"] = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    return write_all(files)


def _joined_lists(rel: pa.Table) -> pa.Table:
    for name in _LISTS:
        col = rel[name]
        if pc.any(pc.match_substring(pc.list_flatten(col), LIST_SEP)).as_py():
            raise ValueError(f"column {name!r}: a name holds the list separator U+001F; export as Parquet")
        joined = pc.binary_join(col, LIST_SEP)
        rel = rel.set_column(rel.schema.get_field_index(name), name, joined)
    return rel


# ----------------------------------------------------------------------------------------- read


def is_table_dir(path: Path) -> bool:
    """True when ``path`` is a directory of fundaudit tables."""
    return path.is_dir() and any((path / f"figures.{ext}").exists() for ext in FORMATS)


@dataclass
class _Problems:
    """Every problem found while reading, each with its file, row and column."""

    errors: list[LoadError]

    def add(self, file: str, line: int, message: str) -> None:
        self.errors.append(LoadError(file, line, message))

    def rows(self, file: str, bad: pa.Array | np.ndarray[Any, Any], message: str, csv: bool) -> None:
        """Report the rows where ``bad`` is true (at most a few, then how many more)."""
        if isinstance(bad, pa.Array | pa.ChunkedArray):
            if not pc.any(bad).as_py():
                return
            mask = bools(bad)
        else:
            mask = np.asarray(bad)
        rows = np.flatnonzero(mask)
        for r in rows[:_MAX_LISTED]:
            line = int(r) + (2 if csv else 1)
            self.add(file, line, f"{'line' if csv else 'row'} {line}: {message}")
        if len(rows) > _MAX_LISTED:
            self.add(file, 0, f"{message}: {len(rows) - _MAX_LISTED} more rows like this")


def lean_memory_pool() -> None:
    """Give Arrow an allocator that hands freed memory back (jemalloc, else the system's).

    Arrow's default (mimalloc) keeps what a read frees for later, which raises the peak of a
    one-shot audit by a fifth at 10**6 figures. The command line calls this; a notebook
    keeps whatever pool it has.
    """
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except (NotImplementedError, pa.ArrowNotImplementedError):
        pa.set_memory_pool(pa.system_memory_pool())


def read(path: Path) -> Columns:
    """Read a directory of tables; raises :class:`InvalidData` listing every problem.

    Two passes over the columns keep the peak memory down: first the references (every
    ``ref``, ``total_ref`` and part, hashed once to link relations to figure rows), then,
    with the hash freed, the amounts and the texts of the messages.
    """
    problems = _Problems([])
    fmt = "parquet" if (path / "figures.parquet").exists() else "csv"
    csv = fmt == "csv"
    fig_file, rel_file = path / f"figures.{fmt}", path / f"relations.{fmt}"
    figs, rels = _TableFile(fig_file, FIGURES, problems), _TableFile(rel_file, RELATIONS, problems)
    fname, rname = str(fig_file), str(rel_file)
    ref_table, link_table = figs.read(["ref"]), rels.read(["total_ref", "part_refs"])
    if ref_table is None or link_table is None:
        raise InvalidData(problems.errors)
    refs = ref_table["ref"].combine_chunks()
    total, offsets, parts = _links(refs, link_table, fname, rname, problems, csv)
    del ref_table, link_table
    fig = figs.read([n for n in FIGURES.names if n != "ref"])
    rel = rels.read([n for n in RELATIONS.names if n not in ("total_ref", "part_refs")])
    if fig is None or rel is None:
        raise InvalidData(problems.errors)
    fig, coefficient = _coefficients(fig, fname, problems, csv)
    for name in FIGURES.names:
        if name not in _NULLABLE and name in fig.column_names:
            problems.rows(fname, pc.is_null(fig[name]), f"column {name!r} is empty", csv)
    units = _units(fig, fname, problems, csv)
    exponent = _ints(fig["exponent"])
    problems.rows(fname, exponent < -30, "column 'exponent': below −30", csv)
    problems.rows(fname, exponent > 30, "column 'exponent': above 30", csv)
    for name in ("source_line", "yaml_line"):
        problems.rows(fname, _ints(fig[name]) < 1, f"column {name!r}: a line number is at least 1", csv)
    for name in RELATIONS.names:
        if name not in _NULLABLE and name not in _LISTS and name in rel.column_names:
            problems.rows(rname, pc.is_null(rel[name]), f"column {name!r} is empty", csv)
    ids = rel["id"].combine_chunks()
    if len(pc.unique(ids)) != len(ids):
        counts = pc.value_counts(ids)
        dupes = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        problems.rows(rname, pc.is_in(ids, value_set=dupes), "column 'id': the same id on another row", csv)
    kind_names, kind_codes = _categories(rel["kind"])
    to_kind = np.array([KINDS.index(k) if k in KINDS else -1 for k in kind_names] + [-1], dtype=np.int64)
    kind = to_kind[kind_codes]  # a null row's code −1 reads the last entry, −1
    problems.rows(rname, (kind < 0) & (kind_codes >= 0), f"column 'kind': not one of {', '.join(KINDS)}", csv)
    product = kind == KINDS.index("product")
    problems.rows(rname, product & (np.diff(offsets) != 2), "a product has exactly two parts", csv)
    problems.rows(rname, _ints(rel["yaml_line"]) < 0, "column 'yaml_line': negative", csv)
    if problems.errors:
        raise InvalidData(problems.errors)
    return Columns(
        path=str(path),
        documents=_documents(path, fig),
        figures=FigureColumns(
            ref=_Texts(refs),
            label=_Texts(fig["label"]),
            coefficient=coefficient,
            exponent=exponent,
            unit_code=units[0],
            units=units[1],
            bound=_Texts(fig["bound"]),
            note=_Texts(fig["note"]),
            source_file=_Texts(fig["source_file"]),
            source_line=_ints(fig["source_line"]),
            yaml_file=_Texts(fig["yaml_file"]),
            yaml_line=_ints(fig["yaml_line"]),
            stated=bools(fig["stated"]),
        ),
        relations=RelationColumns(
            id=_Texts(ids),
            rule=_Texts(rel["rule"]),
            kind=kind.astype(np.int8),
            document=_Texts(rel["document"]),
            program=_Texts(rel["program"]),
            subject=_Texts(rel["subject"]),
            what=_Texts(rel["what"]),
            total=total,
            offsets=offsets,
            parts=parts,
            missing=_Lists(rel["missing"]),
            empty=_Lists(rel["empty"]),
            has_missing=_non_empty(rel["missing"]),
            has_empty=_non_empty(rel["empty"]),
            yaml_file=_Texts(rel["yaml_file"]),
            yaml_line=_ints(rel["yaml_line"]),
            note=_Texts(rel["note"]),
        ),
    )


def _links(
    refs: pa.Array, links: pa.Table, fname: str, rname: str, problems: _Problems, csv: bool
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each relation's total and parts as figure rows: every reference hashed once.

    The refs, then the totals, then the parts are dictionary-encoded as one chunked column,
    so a row's index is the order in which its ref first appeared: the refs are distinct
    exactly when the first chunk encodes as 0, 1, 2 …, and a total or part names no figure
    when its index is past the refs'.
    """
    problems.rows(fname, pc.is_null(refs), "column 'ref' is empty", csv)
    problems.rows(rname, pc.is_null(links["total_ref"]), "column 'total_ref' is empty", csv)
    part_lists = links["part_refs"].combine_chunks()
    if part_lists.null_count:
        part_lists = pc.fill_null(part_lists, pa.scalar([], pa.list_(pa.string())))
    totals = links["total_ref"].combine_chunks()
    if isinstance(totals, pa.DictionaryArray):
        totals = totals.dictionary_decode()
    flat = pc.list_flatten(part_lists)
    encoded = pc.dictionary_encode(pa.chunked_array([refs, totals, flat], type=pa.string()))
    codes = [_int64s(c.indices, -1) for c in encoded.chunks]
    # with no refs, chunked_array drops nothing: the three chunks are always there
    ref_codes, total_codes, part_codes = codes[0], codes[1], codes[2]
    known = int(ref_codes.max(initial=-1)) + 1  # distinct refs
    row = np.arange(len(ref_codes), dtype=np.int64)  # the figure row of each code
    if not np.array_equal(ref_codes, row):
        valid = ref_codes >= 0
        seen = np.bincount(ref_codes[valid], minlength=known)
        problems.rows(
            fname, valid & (seen[np.maximum(ref_codes, 0)] > 1), "column 'ref': the same ref on another row", csv
        )
        row = np.full(known, -1, dtype=np.int64)
        row[ref_codes[valid][::-1]] = np.flatnonzero(valid)[::-1]  # written last: the first row of each ref
    missing_total = (total_codes >= known) | (total_codes < 0)
    problems.rows(rname, missing_total & bools(pc.is_valid(totals)), "column 'total_ref': no such figure", csv)
    offsets = _int64s(part_lists.offsets, 0)
    offsets = offsets - offsets[0]
    unknown = (part_codes >= known) | (part_codes < 0)
    if unknown.any():
        per_row = np.diff(np.concatenate(([0], np.cumsum(unknown, dtype=np.int64)))[offsets])
        problems.rows(rname, per_row > 0, "column 'part_refs': a part that is no figure", csv)

    def rows_of(codes: np.ndarray[Any, Any], bad: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Figure rows of ref codes; 0 where the ref names no figure (already reported)."""
        if not known:
            return np.zeros(len(codes), dtype=np.int64)
        return np.where(bad, 0, row[np.clip(codes, 0, known - 1)])

    return rows_of(total_codes, missing_total), offsets, rows_of(part_codes, unknown)


class _TableFile:
    """One table file, opened once and checked against its schema; columns read on demand."""

    def __init__(self, path: Path, schema: pa.Schema, problems: _Problems) -> None:
        self.path, self.schema, self.problems = path, schema, problems
        self.ok = False
        self._parquet: Any = None
        self._csv: pa.Table | None = None
        if not path.exists():
            problems.add(str(path), 0, "missing: a table directory holds figures and relations")
            return
        try:
            if path.suffix == ".parquet":
                import pyarrow.parquet as pq

                names = pq.read_schema(path).names
                # columns with few distinct values stay dictionary-encoded: less memory, no decoding
                few = [n for n in _FEW_VALUES if n in names and n in schema.names]
                self._parquet = pq.ParquetFile(path, memory_map=True, read_dictionary=few)
            else:
                self._csv = self._read_csv()
                names = self._csv.column_names
        except (pa.ArrowInvalid, OSError) as exc:
            problems.add(str(path), 0, f"cannot be read: {str(exc).splitlines()[0]}")
            return
        missing = [f.name for f in schema if f.name not in names]
        if missing:
            problems.add(str(path), 0, f"missing column(s): {', '.join(missing)}")
            return
        extra = [n for n in names if n not in schema.names]
        if extra:
            problems.add(str(path), 0, f"unknown column(s): {', '.join(extra)}")
        self.ok = True

    def _read_csv(self) -> pa.Table:
        import pyarrow.csv as pcsv

        types = {
            f.name: (pa.string() if pa.types.is_list(f.type) or f.name == "coefficient" else f.type)
            for f in self.schema
        }
        table = pcsv.read_csv(
            self.path,
            convert_options=pcsv.ConvertOptions(
                column_types=types, strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=False
            ),
        )
        if "part_refs" in self.schema.names:
            table = _split_lists(table)
        return table

    def read(self, names: list[str]) -> pa.Table | None:
        """The named columns, cast to the schema's types (``None`` after a reported problem)."""
        if not self.ok:
            return None
        try:
            if self._parquet is not None:
                table = self._parquet.read(columns=names)
            else:
                assert self._csv is not None
                table = self._csv.select(names)
        except (pa.ArrowInvalid, OSError) as exc:
            self.problems.add(str(self.path), 0, f"cannot be read: {str(exc).splitlines()[0]}")
            return None
        cast = []
        for name in names:
            f = self.schema.field(name)
            col = table[name]
            if name == "coefficient" or (pa.types.is_dictionary(col.type) and col.type.value_type == f.type):
                cast.append(col)
                continue
            if col.type != f.type:
                if pa.types.is_floating(col.type) or not _castable(col.type, f.type):
                    self.problems.add(str(self.path), 0, f"column {f.name!r} is {col.type}, expected {f.type}")
                    return None
                try:
                    col = col.cast(f.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                    self.problems.add(str(self.path), 0, f"column {f.name!r}: {str(exc).splitlines()[0]}")
                    return None
            cast.append(col)
        return pa.table(cast, names=names)


def _castable(have: pa.DataType, want: pa.DataType) -> bool:
    t = pa.types
    if t.is_integer(want):
        return bool(t.is_integer(have))
    if t.is_string(want):
        return bool(t.is_string(have) or t.is_large_string(have) or t.is_dictionary(have))
    if t.is_list(want):
        return bool(t.is_list(have) or t.is_large_list(have))
    return bool(t.is_boolean(have) and t.is_boolean(want))


def _coefficients(fig: pa.Table, file: str, problems: _Problems, csv: bool) -> tuple[pa.Table, np.ndarray[Any, Any]]:
    """The exact integer coefficients: int64, DECIMAL(p, 0), or digits in CSV; never a float."""
    col = fig["coefficient"].combine_chunks()
    if pa.types.is_floating(col.type):
        problems.add(file, 0, f"column 'coefficient' is {col.type}: amounts must be exact integers, never float")
        return fig, np.zeros(len(col), dtype=np.int64)
    if pa.types.is_integer(col.type):
        values = _int64s(col, 0)
        problems.rows(file, values < 0, "column 'coefficient': negative amount", csv)
        return fig, values
    if pa.types.is_decimal(col.type) and col.type.scale == 0:
        problems.rows(file, pc.less(col, pa.scalar(0, col.type)), "column 'coefficient': negative amount", csv)
        return fig, int_array([int(v) if v is not None else 0 for v in col.to_pylist()])
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        digits = pc.match_substring_regex(col, r"^(0|[1-9][0-9]*)$")
        problems.rows(file, pc.invert(pc.fill_null(digits, False)), "column 'coefficient': not a whole number", csv)
        ok = pc.fill_null(digits, False)
        short = pc.and_(ok, pc.less_equal(pc.utf8_length(col), 18))
        if pc.all(pc.or_(short, pc.invert(ok))).as_py():
            values = _int64s(pc.if_else(short, col, "0"), 0)
        else:
            values = int_array([int(v) if v and v.isdigit() else 0 for v in col.to_pylist()])
        return fig, values
    problems.add(file, 0, f"column 'coefficient' is {col.type}, expected int64 or DECIMAL(p, 0)")
    return fig, np.zeros(len(col), dtype=np.int64)


def _units(fig: pa.Table, file: str, problems: _Problems, csv: bool) -> tuple[np.ndarray[Any, Any], tuple[Unit, ...]]:
    """Each figure's unit as a code into the distinct units, each parsed once and checked."""
    names, codes = _categories(fig["unit"])
    units: list[Unit] = []
    for k, name in enumerate(names):
        try:
            units.append(parse_unit(name))
        except UnitError as exc:
            units.append(Unit(name, f"unknown:{name}", 0))
            problems.rows(file, codes == k, f"column 'unit': {exc}", csv)
    codes = np.maximum(codes, 0)  # a missing unit is reported as an empty column
    dim_names, dim_codes = _categories(fig["dimension"])
    expected = np.array([dim_names.index(u.dimension) if u.dimension in dim_names else -2 for u in units] or [0])
    problems.rows(file, dim_codes != expected[codes], "column 'dimension' disagrees with the unit", csv)
    pows = np.array([u.pow10 for u in units] or [0], dtype=np.int64)
    problems.rows(
        file, _int64s(fig["unit_pow10"], 0) != pows[codes], "column 'unit_pow10' disagrees with the unit", csv
    )
    return codes, tuple(units)


def _categories(col: Any) -> tuple[list[Any], np.ndarray[Any, Any]]:
    """A column of few distinct values: those values, and each row's index into them (−1: null)."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if not isinstance(arr, pa.DictionaryArray):
        arr = arr.dictionary_encode()
    return arr.dictionary.to_pylist(), _int64s(arr.indices, -1)


def _split_lists(rel: pa.Table) -> pa.Table:
    for name in _LISTS:
        col = pc.fill_null(rel[name], "")
        split = pc.split_pattern(col, LIST_SEP)
        # an empty cell is an empty list, not a list of one empty string
        split = pc.if_else(pc.equal(col, ""), pa.scalar([], pa.list_(pa.string())), split)
        rel = rel.set_column(rel.schema.get_field_index(name), name, split)
    return rel


def _documents(path: Path, fig: pa.Table) -> int:
    manifest = path / "manifest.json"
    if manifest.exists():
        try:
            return int(json.loads(manifest.read_text(encoding="utf-8"))["documents"])
        except (ValueError, KeyError, TypeError):
            pass
    return int(pc.count_distinct(fig["document"]).as_py())


def _ints(col: Any) -> np.ndarray[Any, Any]:
    return _int64s(col, 0)


def _non_empty(col: Any) -> np.ndarray[Any, Any]:
    return _int64s(pc.list_value_length(col), 0) > 0


def bools(col: Any) -> np.ndarray[Any, Any]:
    """A boolean Arrow column as a numpy mask (null as false), read from its bitmaps."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    values = _bits(arr.buffers()[1], arr.offset, len(arr))
    if arr.null_count:
        values &= _bits(arr.buffers()[0], arr.offset, len(arr))
    return values


def _bits(bitmap: pa.Buffer | None, offset: int, n: int) -> np.ndarray[Any, Any]:
    if bitmap is None:
        return np.zeros(n, dtype=bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return bits[offset : offset + n].astype(bool)


def _int64s(col: Any, null: int) -> np.ndarray[Any, Any]:
    """An integer (or boolean) Arrow column as int64, a null as ``null``.

    The values are read from the Arrow buffer itself: ``Array.to_numpy`` goes through
    Arrow's pandas bridge and imports pandas, a fifth of a second the command line does not
    need.
    """
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_boolean(arr.type):
        return bools(arr).astype(np.int64)
    arr = arr.cast(pa.int64())
    data = arr.buffers()[1]
    if data is None:
        return np.full(len(arr), null, dtype=np.int64)
    values = np.frombuffer(data, dtype=np.int64)[arr.offset : arr.offset + len(arr)]
    if arr.null_count:
        values = np.where(_bits(arr.buffers()[0], arr.offset, len(arr)), values, null)
    return values


class _Texts:
    """An Arrow string column read one element at a time (only for the findings shown)."""

    def __init__(self, col: Any) -> None:
        self._a = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col

    def __getitem__(self, i: int) -> Any:
        return self._a[i].as_py()

    def __len__(self) -> int:
        return len(self._a)

    def take(self, rows: Sequence[int]) -> list[Any]:
        at = np.asarray(rows, dtype=np.int64)
        taken = self._a.take(pa.Array.from_buffers(pa.int64(), len(at), [None, pa.py_buffer(at)]))
        if isinstance(taken, pa.DictionaryArray):
            # few distinct values: decode each once, then index
            values = taken.dictionary.to_pylist()
            return [values[c] if c >= 0 else None for c in _int64s(taken.indices, -1).tolist()]
        return taken.to_pylist()  # type: ignore[no-any-return]


class _Lists(_Texts):
    def __getitem__(self, i: int) -> tuple[str, ...]:
        return tuple(self._a[i].as_py() or ())

    def take(self, rows: Sequence[int]) -> list[Any]:
        return [tuple(x or ()) for x in super().take(rows)]
