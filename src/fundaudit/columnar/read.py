"""A directory of tables read into :class:`~fundaudit.columnar.arrays.Columns` (``fundaudit check DIR``).

The schemas are :mod:`fundaudit.columnar.schema`'s. Reading checks every table before
anything is audited and reports every problem at once, each with its file, row and column;
no per-row Python work is done on the way in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fundaudit.columnar.arrays import KINDS, Columns, FigureColumns, RelationColumns, filled_arrow, int_array
from fundaudit.columnar.distinct import distinct
from fundaudit.columnar.schema import (
    FIGURES,
    LIST_SEP,
    LISTS,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_LISTED,
    NULLABLE,
    RELATIONS,
    ROW_KEYS,
)
from fundaudit.errors import InvalidData, LoadError, os_reason
from fundaudit.i18n import _
from fundaudit.units import Unit, UnitError, parse_unit

_MAX_MANIFEST = 64 * 1024  # bytes; a manifest is a few lines
_INT64_MAX = 2**63 - 1
_KEYS_AT_ONCE = 1 << 20  # row keys checked against their refs a slice at a time
_OPTIONAL = {"names", "drafted"}  # tables written before the column existed: empty lists, no pattern
# columns only messages need: read when a finding is worded (Parquet, when the file's
# metadata shows they have the schema's type and no empty cell)
_LATER_FIGURES = ("document", "program", "label", "bound", "note", "drafted", "source_file", "yaml_file")
_LATER_RELATIONS = ("rule", "document", "program", "subject", "what", "yaml_file", "note", "names")
_FEW_VALUES = ("document", "program", "unit", "dimension", "source_file", "yaml_file", "bound", "note", "rule", "kind")


@dataclass
class _Problems:
    """Every problem found while reading, each with its file, row and column."""

    errors: list[LoadError]
    _csv_lines: dict[str, list[int]] = field(default_factory=dict)

    def add(self, file: str, line: int, message: str) -> None:
        self.errors.append(LoadError(file, line, message))

    def csv_line(self, file: str, row: int) -> int:
        """The physical line where data row ``row`` (0-based) of a CSV file starts.

        A quoted field may hold line breaks, so the line is not ``row + 2``: the file is
        scanned once, and only when a problem is reported (never on the way in).
        """
        lines = self._csv_lines.get(file)
        if lines is None:
            lines = self._csv_lines[file] = record_lines(Path(file))
        return lines[row + 1] if row + 1 < len(lines) else row + 2

    def rows(self, file: str, bad: pa.Array | np.ndarray[Any, Any], message: str, csv: bool) -> None:
        """Report the rows where ``bad`` is true (at most a few, then how many more)."""
        if isinstance(bad, pa.Array | pa.ChunkedArray):
            if not pc.any(bad).as_py():
                return
            mask = bools(bad)
        else:
            mask = np.asarray(bad)
        rows = np.flatnonzero(mask)
        for r in rows[:MAX_LISTED]:
            line = self.csv_line(file, int(r)) if csv else int(r) + 1
            self.add(
                file,
                line,
                (_("line {line}: {message}") if csv else _("row {line}: {message}")).format(line=line, message=message),
            )
        if len(rows) > MAX_LISTED:
            self.add(
                file,
                0,
                _("{message}: {count} more rows like this").format(message=message, count=len(rows) - MAX_LISTED),
            )


def record_lines(path: Path) -> list[int]:
    """The line on which each record of a CSV file starts (the header's first), as the
    Arrow reader counts records: blank lines are skipped, quoted line breaks stay inside.

    Python's csv module reads the file once; this runs only when a problem is reported.
    """
    import csv

    starts: list[int] = []
    limit = csv.field_size_limit(1 << 30)  # a long field is data, not a reason to lose count
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            reader = csv.reader(handle)
            before = 0
            for record in reader:
                if record:
                    starts.append(before + 1)
                before = reader.line_num
    except (csv.Error, OSError):
        pass  # the rest are counted as one line each
    finally:
        csv.field_size_limit(limit)
    return starts


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
    if isinstance(refs, pa.DictionaryArray):  # a writer that dictionary-encoded the refs: their texts
        refs = refs.dictionary_decode()
    linked = _linked_by_rows(refs, link_table, rels.row_keys())
    total, offsets, parts = linked or _links(refs, link_table, fname, rname, problems, csv)
    del ref_table, link_table
    # the texts of messages are read when a finding is worded, unless a check needs them now
    later_f, later_r = figs.deferrable(_LATER_FIGURES), rels.deferrable(_LATER_RELATIONS) - rels.absent
    fig = figs.read([n for n in FIGURES.names if n != "ref" and n not in later_f | figs.absent])
    rel = rels.read(
        [n for n in RELATIONS.names if n not in ("total_ref", "part_refs") and n not in rels.absent | later_r]
    )
    if rel is not None and "names" in rels.absent:
        rel = rel.append_column("names", _empty_lists(rel.num_rows))
    if fig is None or rel is None:
        raise InvalidData(problems.errors)
    fig, coefficient = _coefficients(fig, fname, problems, csv)
    for name in FIGURES.names:
        if name not in NULLABLE and name in fig.column_names:
            problems.rows(fname, pc.is_null(fig[name]), _("column {name} is empty").format(name=repr(name)), csv)
    units = _units(fig, fname, problems, csv)
    exponent = _ints(fig["exponent"])
    problems.rows(
        fname, exponent < -MAX_EXPONENT, _("column 'exponent': below −{limit}").format(limit=MAX_EXPONENT), csv
    )
    problems.rows(fname, exponent > MAX_EXPONENT, _("column 'exponent': above {limit}").format(limit=MAX_EXPONENT), csv)
    for name in ("source_line", "yaml_line"):
        problems.rows(
            fname, _ints(fig[name]) < 1, _("column {name}: a line number is at least 1").format(name=repr(name)), csv
        )
    for name in RELATIONS.names:
        if name not in NULLABLE and name not in LISTS and name in rel.column_names:
            problems.rows(rname, pc.is_null(rel[name]), _("column {name} is empty").format(name=repr(name)), csv)
    ids = rel["id"].combine_chunks()
    if not distinct(ids):
        counts = pc.value_counts(ids)
        dupes = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        problems.rows(rname, pc.is_in(ids, value_set=dupes), _("column 'id': the same id on another row"), csv)
    kind_names, kind_codes = _categories(rel["kind"])
    to_kind = np.array([KINDS.index(k) if k in KINDS else -1 for k in kind_names] + [-1], dtype=np.int64)
    kind = to_kind[kind_codes]  # a null row's code −1 reads the last entry, −1
    problems.rows(
        rname,
        (kind < 0) & (kind_codes >= 0),
        _("column 'kind': not one of {names}").format(names=", ".join(KINDS)),
        csv,
    )
    product = kind == KINDS.index("product")
    problems.rows(rname, product & (np.diff(offsets) != 2), _("a product has exactly two parts"), csv)
    no_parts = (np.diff(offsets) == 0) & ~_non_empty(rel["missing"]) & ~product
    problems.rows(rname, no_parts, _("column 'part_refs': no parts, and none listed as missing"), csv)
    problems.rows(rname, _ints(rel["yaml_line"]) < 0, _("column 'yaml_line': negative"), csv)
    documents = _documents(path, lambda: figs.column("document", fig), problems)
    if problems.errors:
        raise InvalidData(problems.errors)
    return Columns(
        path=str(path),
        documents=documents,
        figures=FigureColumns(
            ref=_Texts(refs),
            label=figs.texts("label", fig),
            coefficient=coefficient,
            exponent=exponent,
            unit_code=units[0],
            units=units[1],
            bound=figs.texts("bound", fig),
            note=figs.texts("note", fig),
            drafted=_Texts(pa.nulls(len(refs), pa.string()))
            if "drafted" in figs.absent
            else figs.texts("drafted", fig),
            source_file=figs.texts("source_file", fig),
            source_line=_ints(fig["source_line"]),
            yaml_file=figs.texts("yaml_file", fig),
            yaml_line=_ints(fig["yaml_line"]),
            stated=bools(fig["stated"]),
        ),
        relations=RelationColumns(
            id=_Texts(ids),
            rule=rels.texts("rule", rel),
            kind=kind.astype(np.int8),
            document=rels.texts("document", rel),
            program=rels.texts("program", rel),
            subject=rels.texts("subject", rel),
            what=rels.texts("what", rel),
            total=total,
            offsets=offsets,
            parts=parts,
            missing=_Lists(rel["missing"]),
            empty=_Lists(rel["empty"]),
            names=rels.texts("names", rel, _Lists),
            has_missing=_non_empty(rel["missing"]),
            has_empty=_non_empty(rel["empty"]),
            yaml_file=rels.texts("yaml_file", rel),
            yaml_line=_ints(rel["yaml_line"]),
            note=rels.texts("note", rel),
        ),
    )


def _empty_lists(n: int) -> pa.ListArray:
    """``n`` empty lists of strings, built from buffers: ``pa.array`` would import pandas (0.2 s)."""
    offsets = pa.Array.from_buffers(pa.int32(), n + 1, [None, pa.py_buffer(np.zeros(n + 1, dtype=np.int32))])
    return pa.ListArray.from_arrays(offsets, pa.nulls(0, pa.string()))


def _linked_by_rows(
    refs: pa.Array, links: pa.Table, keys: pa.Table | None
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]] | None:
    """Each relation's total and parts as figure rows from the row keys (``ROW_KEYS``), or
    ``None`` when they cannot be trusted: absent, of another type, with an empty cell or a
    row out of range, a list of another length than its ``part_refs``, a key whose figure
    has another ref, or refs not all distinct (then :func:`_links` hashes and reports).

    Checking that every key's figure bears the ref the relation names costs a gather and a
    comparison, not hashing every reference; the refs are still hashed once, to be sure
    they are distinct."""
    if keys is None or refs.null_count:
        return None
    total_rows, part_rows = (keys[n].combine_chunks() for n in ROW_KEYS.names)
    if not pa.types.is_integer(total_rows.type) or not pa.types.is_list(part_rows.type):
        return None
    if not pa.types.is_integer(part_rows.type.value_type) or total_rows.null_count or part_rows.null_count:
        return None
    part_lists = links["part_refs"].combine_chunks()
    totals = links["total_ref"].combine_chunks()
    if part_lists.null_count or totals.null_count:
        return None
    if isinstance(totals, pa.DictionaryArray):
        totals = totals.dictionary_decode()
    offsets = _int64s(part_lists.offsets, 0)
    offsets = offsets - offsets[0]
    key_offsets = _int64s(part_rows.offsets, 0)
    if not np.array_equal(offsets, key_offsets - key_offsets[0]):
        return None
    flat_rows = pc.list_flatten(part_rows)
    if flat_rows.null_count:
        return None
    try:
        total, parts = _int64s(total_rows, -1), _int64s(flat_rows, -1)
    except pa.ArrowInvalid:  # an unsigned row past int64
        return None
    n = len(refs)
    for rows in (total, parts):
        if len(rows) and (int(rows.min()) < 0 or int(rows.max()) >= n):
            return None
    for keyed, named in ((total_rows, totals), (flat_rows, pc.list_flatten(part_lists))):
        for at in range(0, len(keyed), _KEYS_AT_ONCE):  # the gathered refs are a copy: in slices
            same = pc.equal(pc.take(refs, keyed.slice(at, _KEYS_AT_ONCE)), named.slice(at, _KEYS_AT_ONCE))
            if same.null_count or not _every(same):
                return None
    if not distinct(refs):
        return None
    return total, offsets, parts


def _links(
    refs: pa.Array, links: pa.Table, fname: str, rname: str, problems: _Problems, csv: bool
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each relation's total and parts as figure rows: every reference hashed once.

    The refs, then the totals, then the parts are dictionary-encoded as one chunked column,
    so a row's index is the order in which its ref first appeared: the refs are distinct
    exactly when the first chunk encodes as 0, 1, 2 …, and a total or part names no figure
    when its index is past the refs'.
    """
    problems.rows(fname, pc.is_null(refs), _("column {name} is empty").format(name=repr("ref")), csv)
    problems.rows(
        rname, pc.is_null(links["total_ref"]), _("column {name} is empty").format(name=repr("total_ref")), csv
    )
    part_lists = links["part_refs"].combine_chunks()
    if part_lists.null_count:
        part_lists = pc.fill_null(part_lists, pa.scalar([], pa.list_(pa.string())))
    totals = links["total_ref"].combine_chunks()
    if isinstance(totals, pa.DictionaryArray):
        totals = totals.dictionary_decode()
    flat = pc.list_flatten(part_lists)
    if isinstance(flat, pa.DictionaryArray):
        flat = flat.dictionary_decode()
    encoded = pc.dictionary_encode(pa.chunked_array([refs, totals, flat], type=pa.string()))
    # Arrow may drop empty chunks: split the codes by the lengths of the three columns
    all_codes = np.concatenate([_int64s(c.indices, -1) for c in encoded.chunks] or [np.zeros(0, np.int64)])
    ref_codes, total_codes, part_codes = np.split(all_codes, [len(refs), len(refs) + len(totals)])
    known = int(ref_codes.max(initial=-1)) + 1  # distinct refs
    row = np.arange(len(ref_codes), dtype=np.int64)  # the figure row of each code
    if not np.array_equal(ref_codes, row):
        valid = ref_codes >= 0
        seen = np.bincount(ref_codes[valid], minlength=known)
        problems.rows(
            fname, valid & (seen[np.maximum(ref_codes, 0)] > 1), _("column 'ref': the same ref on another row"), csv
        )
        row = np.full(known, -1, dtype=np.int64)
        row[ref_codes[valid][::-1]] = np.flatnonzero(valid)[::-1]  # written last: the first row of each ref
    missing_total = (total_codes >= known) | (total_codes < 0)
    problems.rows(rname, missing_total & bools(pc.is_valid(totals)), _("column 'total_ref': no such figure"), csv)
    offsets = _int64s(part_lists.offsets, 0)
    offsets = offsets - offsets[0]
    unknown = (part_codes >= known) | (part_codes < 0)
    if unknown.any():
        per_row = np.diff(np.concatenate(([0], np.cumsum(unknown, dtype=np.int64)))[offsets])
        problems.rows(rname, per_row > 0, _("column 'part_refs': a part that is no figure"), csv)

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
        self._keys = False
        self.absent: set[str] = set()
        self._parquet: Any = None
        self._csv: pa.Table | None = None
        if not path.exists():
            problems.add(str(path), 0, _("missing: a table directory holds figures and relations"))
            return
        if not path.is_file():
            problems.add(str(path), 0, _("is not a file"))
            return
        try:
            if path.suffix == ".parquet":
                import pyarrow.parquet as pq

                names = pq.read_schema(path).names
                if self._duplicates(names):
                    return
                # columns with few distinct values stay dictionary-encoded: less memory, no decoding
                few = [n for n in _FEW_VALUES if n in names and n in schema.names]
                self._parquet = pq.ParquetFile(path, memory_map=True, read_dictionary=few)
            else:
                names = self._csv_header()
                if names is None or self._duplicates(names):
                    return
                self._csv = self._read_csv()
                if self._csv is None:
                    return
        except (pa.ArrowException, OSError) as exc:
            line = _not_utf8(path) if "UTF8" in str(exc) else None
            if line is not None:
                problems.add(str(path), line, _("line {line}: not UTF-8 text").format(line=line))
            else:
                problems.add(str(path), 0, _("cannot be read: {reason}").format(reason=str(exc).splitlines()[0]))
            return
        self.absent = {n for n in _OPTIONAL if n in schema.names and n not in names}
        missing = [f.name for f in schema if f.name not in names and f.name not in _OPTIONAL]
        if missing:
            problems.add(str(path), 0, _("missing column(s): {names}").format(names=", ".join(missing)))
            return
        self._keys = schema is RELATIONS and self._parquet is not None and all(n in names for n in ROW_KEYS.names)
        extra = [n for n in names if n not in schema.names and not (self._parquet is not None and n in ROW_KEYS.names)]
        if extra:
            problems.add(str(path), 0, _("unknown column(s): {names}").format(names=", ".join(extra)))
        self.ok = True

    def row_keys(self) -> pa.Table | None:
        """The Parquet relations table's row keys as stored (unchecked), or ``None``."""
        if not self.ok or not self._keys:
            return None
        try:
            table: pa.Table = self._parquet.read(columns=ROW_KEYS.names)
        except (pa.ArrowException, OSError):
            return None  # an index that cannot be read is not used; the refs are linked instead
        return table

    def deferrable(self, names: Sequence[str]) -> set[str]:
        """Which of ``names`` can be read later: a Parquet column of exactly the schema's type
        whose metadata proves every cell filled (or that may be empty)."""
        if self._parquet is None or not self.ok:
            return set()
        arrow = self._parquet.schema_arrow
        meta = self._parquet.metadata
        leaf = {meta.schema.column(j).path: j for j in range(meta.num_columns)}
        out = set()
        for name in names:
            if name not in arrow.names or name not in self.schema.names:
                continue
            have, want = arrow.field(name).type, self.schema.field(name).type
            if pa.types.is_dictionary(have):
                have = have.value_type
            if have != want:
                continue  # read now, so that the type is checked (and reported) now
            if name not in NULLABLE and not pa.types.is_list(want):
                j = leaf.get(name)
                if j is None:
                    continue
                stats = [meta.row_group(g).column(j).statistics for g in range(meta.num_row_groups)]
                if not all(st is not None and st.has_null_count and st.null_count == 0 for st in stats):
                    continue
            out.add(name)
        return out

    def column(self, name: str, table: pa.Table) -> Any:
        """Column ``name``: from ``table`` when it was read, else read now."""
        if name in table.column_names:
            return table[name]
        later = self.read([name])
        if later is None:
            raise InvalidData(self.problems.errors)
        return later[name]

    def texts(self, name: str, table: pa.Table, kind: type[_Texts] | None = None) -> _Texts:
        """Column ``name`` for messages: at hand, or read when it is first needed."""
        make = kind or _Texts
        if name in table.column_names:
            return make(table[name])
        return make(None, lambda: self.column(name, table), table.num_rows)

    def _duplicates(self, names: list[str]) -> bool:
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            self.problems.add(
                str(self.path),
                int(self.path.suffix == ".csv"),
                _("column(s) named twice: {names}").format(names=", ".join(twice)),
            )
        return bool(twice)

    def _csv_header(self) -> list[str] | None:
        """The column names: the first line of the file (a UTF-8 byte-order mark skipped, as
        Arrow's reader does)."""
        import csv

        with self.path.open("rb") as handle:
            first = handle.readline(1 << 20)
        try:
            text = first.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problems.add(str(self.path), 1, _("line {line}: not UTF-8 text").format(line=1))
            return None
        try:
            return next(csv.reader([text]), [])
        except csv.Error as exc:
            self.problems.add(
                str(self.path), 1, _("line {line}: not a CSV header: {reason}").format(line=1, reason=exc)
            )
            return None

    def _read_csv(self) -> pa.Table | None:
        """Every column as text (converted and checked row by row in :meth:`read`); a row
        with too few or too many fields is reported with its line."""
        import pyarrow.csv as pcsv

        bad: list[int] = []

        def invalid(row: Any) -> str:
            bad.append(row.actual_columns)
            return "skip"

        header = self._csv_header() or []
        table = pcsv.read_csv(
            self.path,
            parse_options=pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in header},
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=False,
            ),
        )
        if bad:
            self._bad_rows(len(header))
            return None
        if "part_refs" in self.schema.names:
            table = _split_lists(table)  # the list columns present (an optional one may be absent)
        return table

    def _bad_rows(self, width: int) -> None:
        """Report each record with another number of fields than the header, with its line."""
        import csv

        file = str(self.path)
        found = 0
        limit = csv.field_size_limit(1 << 30)
        try:
            with self.path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
                reader = csv.reader(handle)
                before = 0
                for record in reader:
                    if record and len(record) != width:
                        found += 1
                        if found <= MAX_LISTED:
                            line = before + 1
                            self.problems.add(
                                file,
                                line,
                                _("line {line}: {fields} fields, the header has {width}").format(
                                    line=line, fields=len(record), width=width
                                ),
                            )
                    before = reader.line_num
        except (csv.Error, OSError) as exc:
            self.problems.add(file, 0, _("cannot be read: {reason}").format(reason=exc))
        finally:
            csv.field_size_limit(limit)
        if found > MAX_LISTED:
            self.problems.add(
                file,
                0,
                _("rows with another number of fields than the header: {count} more").format(count=found - MAX_LISTED),
            )
        if not found:
            self.problems.add(
                file,
                0,
                _("cannot be read: {reason}").format(reason=_("a row has another number of fields than the header")),
            )

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
        except (pa.ArrowException, OSError) as exc:
            self.problems.add(str(self.path), 0, _("cannot be read: {reason}").format(reason=str(exc).splitlines()[0]))
            return None
        cast = []
        failed = False
        for name in names:
            f = self.schema.field(name)
            col = table[name]
            if name == "coefficient" or (pa.types.is_dictionary(col.type) and col.type.value_type == f.type):
                cast.append(col)
                continue
            if col.type != f.type:
                if self._csv is not None and pa.types.is_string(col.type):
                    converted = self._from_text(name, col.combine_chunks(), f.type)
                    failed |= converted is None
                    cast.append(converted)
                    continue
                if pa.types.is_floating(col.type) or not _castable(col.type, f.type):
                    self.problems.add(
                        str(self.path),
                        0,
                        _("column {name} is {type}, expected {expected}").format(
                            name=repr(f.name), type=col.type, expected=f.type
                        ),
                    )
                    return None
                try:
                    col = col.cast(f.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                    self.problems.add(
                        str(self.path),
                        0,
                        _("column {name}: {reason}").format(name=repr(f.name), reason=str(exc).splitlines()[0]),
                    )
                    return None
            cast.append(col)
        if failed:
            return None
        return pa.table(cast, names=names)

    def _from_text(self, name: str, col: pa.Array, want: pa.DataType) -> pa.Array | None:
        """A CSV column converted to ``want``, every cell that does not convert reported by line."""
        file = str(self.path)
        if pa.types.is_boolean(want):
            low = pc.utf8_lower(col)
            truth = pc.is_in(low, value_set=pa.array(["true", "1"]))
            ok = pc.or_(truth, pc.is_in(low, value_set=pa.array(["false", "0"])))
            bad = pc.and_(pc.is_valid(col), pc.invert(ok))
            if pc.any(bad).as_py():
                self.problems.rows(file, bad, _("column {name}: not true or false").format(name=repr(name)), True)
                return None
            return pc.if_else(pc.is_valid(col), truth, pa.scalar(None, pa.bool_()))
        if pa.types.is_integer(want):
            whole = pc.fill_null(pc.match_substring_regex(col, r"^-?[0-9]+$"), True)
            if not _every(whole):
                self.problems.rows(
                    file, pc.invert(whole), _("column {name}: not a whole number").format(name=repr(name)), True
                )
                return None
            width = pc.fill_null(pc.utf8_length(pc.utf8_ltrim(col, "-0")), 0)
            info = np.iinfo(np.int32 if want == pa.int32() else np.int64)
            short = pc.less_equal(width, len(str(info.max)) - 1)
            if _every(short):
                return col.cast(want)
            # a few long ones: exact Python integers, only for the cells that may not fit
            big = [v is not None and not _fits(v, int(info.min), int(info.max)) for v in col.to_pylist()]
            if any(big):
                self.problems.rows(
                    file,
                    np.array(big),
                    _("column {name}: {reason}").format(name=repr(name), reason=_too_large(name, int(info.max))),
                    True,
                )
                return None
            return col.cast(want)
        return col.cast(want)


def _not_utf8(path: Path) -> int | None:
    """The line of the first byte that is not UTF-8 text (read only when Arrow refused it)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    return None


def _fits(text: str, low: int, high: int) -> bool:
    """Whether the whole number ``text`` (digits, optional ``-``) lies in [low, high]; no
    conversion of more digits than the bound has."""
    digits = text.lstrip("-").lstrip("0")
    if len(digits) > len(str(high)):
        return False
    value = int(digits or "0")
    return low <= (-value if text.startswith("-") else value) <= high


def _too_large(name: str, top: int) -> str:
    if name not in ("source_line", "yaml_line"):
        return _("beyond {top}").format(top=f"{top:,}")
    return _("a line number is at most {top}").format(top=f"{top:,}")


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
    if isinstance(col, pa.DictionaryArray):
        col = col.dictionary_decode()
    if pa.types.is_floating(col.type):
        problems.add(
            file,
            0,
            _("column 'coefficient' is {type}: amounts must be exact integers, never float").format(type=col.type),
        )
        return fig, np.zeros(len(col), dtype=np.int64)
    if pa.types.is_integer(col.type):
        if pa.types.is_uint64(col.type) and (pc.max(col).as_py() or 0) > _INT64_MAX:
            return fig, _big_ints(col.to_pylist())  # past int64: exact Python integers
        values = _int64s(col, 0)
        problems.rows(file, values < 0, _("column 'coefficient': negative amount"), csv)
        return fig, values
    if pa.types.is_decimal(col.type) and col.type.scale == 0:
        problems.rows(file, pc.less(col, pa.scalar(0, col.type)), _("column 'coefficient': negative amount"), csv)
        return fig, _big_ints(col.to_pylist())
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        digits = pc.fill_null(pc.match_substring_regex(col, r"^(0|[1-9][0-9]*)$"), False)
        problems.rows(
            file, pc.invert(digits), _("column {name}: not a whole number").format(name=repr("coefficient")), csv
        )
        length = pc.utf8_length(col)
        long = pc.and_(digits, pc.greater(length, MAX_DIGITS))
        problems.rows(file, long, _("column 'coefficient': more than {count} digits").format(count=MAX_DIGITS), csv)
        short = pc.and_(digits, pc.less_equal(length, 18))
        if _every(pc.or_(short, pc.invert(digits))):
            values = _int64s(pc.if_else(short, col, "0"), 0)
        else:
            ok = pc.and_(digits, pc.invert(long))
            values = _big_ints(pc.if_else(ok, col, "0").to_pylist())
        return fig, values
    problems.add(file, 0, _("column 'coefficient' is {type}, expected int64 or DECIMAL(p, 0)").format(type=col.type))
    return fig, np.zeros(len(col), dtype=np.int64)


def _big_ints(values: list[Any]) -> np.ndarray[Any, Any]:
    """Exact integers from Python values (ints, ``Decimal``s or digit strings; null as 0)."""
    return int_array([int(v) if v is not None else 0 for v in values])


def _units(fig: pa.Table, file: str, problems: _Problems, csv: bool) -> tuple[np.ndarray[Any, Any], tuple[Unit, ...]]:
    """Each figure's unit as a code into the distinct units, each parsed once and checked."""
    names, codes = _categories(fig["unit"])
    units: list[Unit] = []
    for k, name in enumerate(names):
        try:
            units.append(parse_unit(name))
        except UnitError as exc:
            units.append(Unit(name, f"unknown:{name}", 0))
            problems.rows(file, codes == k, _("column {name}: {reason}").format(name=repr("unit"), reason=exc), csv)
    codes = np.maximum(codes, 0)  # a missing unit is reported as an empty column
    dim_names, dim_codes = _categories(fig["dimension"])
    expected = np.array([dim_names.index(u.dimension) if u.dimension in dim_names else -2 for u in units] or [0])
    problems.rows(file, dim_codes != expected[codes], _("column 'dimension' disagrees with the unit"), csv)
    pows = np.array([u.pow10 for u in units] or [0], dtype=np.int64)
    problems.rows(
        file, _int64s(fig["unit_pow10"], 0) != pows[codes], _("column 'unit_pow10' disagrees with the unit"), csv
    )
    return codes, tuple(units)


def _categories(col: Any) -> tuple[list[Any], np.ndarray[Any, Any]]:
    """A column of few distinct values: those values, and each row's index into them (−1: null)."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if not isinstance(arr, pa.DictionaryArray):
        arr = arr.dictionary_encode()
    return arr.dictionary.to_pylist(), _int64s(arr.indices, -1)


def _split_lists(rel: pa.Table) -> pa.Table:
    for name in LISTS:
        if name not in rel.column_names:
            continue
        col = pc.fill_null(rel[name], "")
        split = pc.split_pattern(col, LIST_SEP)
        # an empty cell is an empty list, not a list of one empty string
        split = pc.if_else(pc.equal(col, ""), pa.scalar([], pa.list_(pa.string())), split)
        rel = rel.set_column(rel.schema.get_field_index(name), name, split)
    return rel


def _documents(path: Path, document: Callable[[], Any], problems: _Problems) -> int:
    """How many documents: the manifest's count, or the distinct ``document`` values."""
    manifest = path / "manifest.json"
    if manifest.exists() or manifest.is_symlink():
        count = _manifest_documents(manifest, problems)
        if count is not None:
            return count
    _, codes = _categories(document())
    return len(np.unique(codes[codes >= 0]))


def _manifest_documents(manifest: Path, problems: _Problems) -> int | None:
    """The ``documents`` count of ``manifest.json`` (``None`` when it has none); a manifest
    that cannot be read is reported, never trusted in part."""
    name = str(manifest)
    try:
        if not manifest.is_file():
            problems.add(name, 0, _("is not a file"))
            return None
        with manifest.open("rb") as handle:
            raw = handle.read(_MAX_MANIFEST + 1)
        if len(raw) > _MAX_MANIFEST:
            problems.add(
                name, 0, _("larger than {size} KiB: not a fundaudit manifest").format(size=_MAX_MANIFEST // 1024)
            )
            return None
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except OSError as exc:
        problems.add(name, 0, _("cannot be read: {reason}").format(reason=os_reason(exc)))
        return None
    except UnicodeDecodeError:
        problems.add(name, 0, _("not UTF-8 text"))
        return None
    except RecursionError:
        problems.add(name, 0, _("not valid JSON: {reason}").format(reason=_("nested too deeply")))
        return None
    except json.JSONDecodeError as exc:
        problems.add(
            name, exc.lineno, _("column {column}: not valid JSON: {reason}").format(column=exc.colno, reason=exc.msg)
        )
        return None
    except ValueError as exc:
        problems.add(name, 0, _("not valid JSON: {reason}").format(reason=str(exc).split(":")[0]))
        return None
    if not isinstance(data, dict):
        problems.add(name, 1, _("not a JSON object"))
        return None
    count = data.get("documents")
    if count is None:
        return None
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        problems.add(name, 1, _("'documents' is not a whole number of documents"))
        return None
    return count


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a number")


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
    """An Arrow string column read one element at a time (only for the findings shown);
    given ``load`` instead of a column, it is read when first needed."""

    def __init__(self, col: Any, load: Callable[[], Any] | None = None, size: int = 0) -> None:
        self._col = None if col is None else _combined(col)
        self._load, self._size = load, size
        self._values: list[Any] | None = None  # a dictionary column's values, decoded once

    @property
    def _a(self) -> Any:
        if self._col is None:
            assert self._load is not None
            self._col = _combined(self._load())
            self._load = None
        return self._col

    def __getitem__(self, i: int) -> Any:
        return self._a[i].as_py()

    def __len__(self) -> int:
        return len(self._col) if self._col is not None else self._size

    def filled(self) -> np.ndarray[Any, Any]:
        return filled_arrow(self._a)

    def take(self, rows: Sequence[int]) -> list[Any]:
        at = np.asarray(rows, dtype=np.int64)
        where = pa.Array.from_buffers(pa.int64(), len(at), [None, pa.py_buffer(at)])
        a = self._a
        if isinstance(a, pa.DictionaryArray):
            # each value decoded once per column (not once per call: a program column's dictionary
            # holds ~10^5 names at 10^6 figures), then indexed
            if self._values is None:
                self._values = a.dictionary.to_pylist()
            values = self._values
            return [values[c] if c >= 0 else None for c in _int64s(a.indices.take(where), -1).tolist()]
        return a.take(where).to_pylist()  # type: ignore[no-any-return]


def _combined(col: Any) -> Any:
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


class _Lists(_Texts):
    def __getitem__(self, i: int) -> tuple[str, ...]:
        return tuple(self._a[i].as_py() or ())

    def take(self, rows: Sequence[int]) -> list[Any]:
        return [tuple(x or ()) for x in super().take(rows)]


def _every(mask: Any) -> bool:
    """Whether every element of a boolean Arrow column is true (an empty one: yes)."""
    return bool(pc.all(mask, min_count=0).as_py())
