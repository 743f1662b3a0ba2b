"""Columns written as a directory of tables (``fundaudit export``): Parquet or CSV and a manifest.

The schemas are :mod:`fundaudit.columnar.schema`'s. What a table's types cannot hold (a line
past int32, an exponent past :data:`~fundaudit.columnar.schema.MAX_EXPONENT`) is refused
before anything is written, naming each figure's YAML file and line; the files are written
together through :mod:`fundaudit.outputs` (all or none, each atomically), and only over
files an earlier export wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fundaudit.columnar.arrays import KINDS, Columns, take
from fundaudit.columnar.schema import FORMATS, LIST_SEP, LISTS, MAX_DIGITS, MAX_EXPONENT, MAX_LISTED
from fundaudit.errors import InvalidData, LoadError


def tables(cols: Columns) -> tuple[pa.Table, pa.Table]:
    """The figures and relations tables of ``cols``."""
    f, r = cols.figures, cols.relations
    units = f.units
    code = f.unit_code
    coefficient: pa.Array
    _exportable(cols)
    if f.coefficient.dtype == object:
        from decimal import Decimal

        wide = max(len(str(abs(int(c)))) for c in f.coefficient) > 38
        decimal = pa.decimal256(MAX_DIGITS, 0) if wide else pa.decimal128(38, 0)
        coefficient = pa.array([Decimal(int(c)) for c in f.coefficient], type=decimal)
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
            "drafted": pa.array(_col(f.drafted), pa.string()),
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
            "names": pa.array([list(m) for m in _each(r.names)], pa.list_(pa.string())),
            "yaml_file": pa.array(_col(r.yaml_file), pa.string()),
            "yaml_line": pa.array(r.yaml_line, pa.int32()),
            "note": pa.array(_col(r.note), pa.string()),
        }
    )
    return fig, rel


def with_row_keys(rel: pa.Table, cols: Columns) -> pa.Table:
    """``rel`` with the figure rows of its refs (``schema.ROW_KEYS``): a reader that finds
    them in agreement with the refs need not hash the refs to link them."""
    r = cols.relations
    total_row = pa.array(np.asarray(r.total, dtype=np.int64))
    part_rows = pa.ListArray.from_arrays(pa.array(r.offsets, pa.int32()), pa.array(np.asarray(r.parts, dtype=np.int64)))
    return rel.append_column("total_row", total_row).append_column("part_rows", part_rows)


_INT32_MAX = 2**31 - 1


def _exportable(cols: Columns) -> None:
    """Refuse what the tables' types cannot hold, naming each figure's YAML file and line."""
    f = cols.figures
    errors: list[LoadError] = []

    def refuse(bad: np.ndarray[Any, Any], message: str) -> None:
        rows = np.flatnonzero(bad)
        for i, loc_file, loc_line, ref in zip(
            rows[:MAX_LISTED].tolist(),
            take(f.yaml_file, rows[:MAX_LISTED].tolist()),
            f.yaml_line[rows[:MAX_LISTED]].tolist(),
            take(f.ref, rows[:MAX_LISTED].tolist()),
            strict=True,
        ):
            del i
            errors.append(LoadError(str(loc_file), _line(loc_line), f"{ref}: {message}"))
        if len(rows) > MAX_LISTED:
            errors.append(LoadError(cols.path, 0, f"{message}: {len(rows) - MAX_LISTED} more figures like this"))

    for name in ("source_line", "yaml_line"):
        lines = getattr(f, name)
        if lines.dtype == object or (len(lines) and int(lines.max()) > _INT32_MAX):
            refuse(
                np.array([int(v) > _INT32_MAX for v in lines.tolist()], dtype=bool),
                f"{name.replace('_', ' ')} beyond {_INT32_MAX:,}: the tables' column {name!r} cannot hold it",
            )
    exponent = f.exponent
    refuse(
        np.abs(exponent) > MAX_EXPONENT,
        f"more than {MAX_EXPONENT} decimal places: the tables' column 'exponent' cannot hold it",
    )
    if f.coefficient.dtype == object:
        refuse(
            np.array([len(str(abs(int(c)))) > MAX_DIGITS for c in f.coefficient.tolist()], dtype=bool),
            f"more than {MAX_DIGITS} digits: the tables' column 'coefficient' cannot hold it",
        )
    rel = cols.relations
    if len(rel.yaml_line) and (rel.yaml_line.dtype == object or int(rel.yaml_line.max()) > _INT32_MAX):
        bad = np.flatnonzero([int(v) > _INT32_MAX for v in rel.yaml_line.tolist()])
        for i, loc_file, rid in zip(
            bad[:MAX_LISTED].tolist(),
            take(rel.yaml_file, bad[:MAX_LISTED].tolist()),
            take(rel.id, bad[:MAX_LISTED].tolist()),
            strict=True,
        ):
            errors.append(LoadError(str(loc_file), 0, f"relation {rid}: line {rel.yaml_line[i]} beyond {_INT32_MAX:,}"))
    if errors:
        raise InvalidData(errors)


def _line(value: Any) -> int:
    """A line number for a message: 0 when it is itself the problem (too large to be one)."""
    return int(value) if int(value) <= _INT32_MAX else 0


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

        for name, table in (("figures", fig), ("relations", with_row_keys(rel, cols))):
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
    return write_all(files, ours=_exported)


def _exported(path: Path, head: bytes) -> bool:
    """Whether an existing file is one ``export`` wrote: the manifest says so, and a table
    is replaced only beside such a manifest (a folder of a person's own CSV files is kept)."""
    from fundaudit.outputs import head_of

    manifest = head if path.name == "manifest.json" else head_of(path.parent / "manifest.json")
    return manifest is not None and b'"fundaudit_tables"' in manifest


def _joined_lists(rel: pa.Table) -> pa.Table:
    for name in LISTS:
        if name not in rel.column_names:
            continue
        col = rel[name]
        if pc.any(pc.match_substring(pc.list_flatten(col), LIST_SEP)).as_py():
            raise ValueError(f"column {name!r}: a name holds the list separator U+001F; export as Parquet")
        joined = pc.binary_join(col, LIST_SEP)
        rel = rel.set_column(rel.schema.get_field_index(name), name, joined)
    return rel
