"""Columns in blocks: one included YAML file's figures and relations, stored and joined without objects.

A block is the :class:`~fundaudit.columnar.arrays.Columns` that :func:`from_relations` makes of
one file's figures and the relations the rules derive from that file alone, in Arrow columns
(figure indices local to the block; the relations of each rule counted, in the registry's
order). :func:`encode` writes a block as bytes (Arrow IPC streams: data, never code),
:func:`decode` reads them back, checking every column's type, every index and every list's
bounds, and :func:`join` lays the blocks of a data set end to end into the Columns
:func:`from_relations` makes of the whole model: the figures of each block in the order of
the blocks, the relations rule by rule, and within a rule block by block, their figure indices
moved by the figures before their block.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from fundaudit.columnar.arrays import KINDS, Columns, FigureColumns, Lists, RelationColumns, Texts, take
from fundaudit.units import Unit, parse_unit

_TEXT, _LINES = pa.string(), pa.int64()
FIGURES = pa.schema(
    [
        ("ref", _TEXT),
        ("label", _TEXT),
        ("coefficient", pa.int64()),
        ("exponent", pa.int64()),
        ("unit", _TEXT),
        ("bound", _TEXT),
        ("note", _TEXT),
        ("source_file", _TEXT),
        ("source_line", _LINES),
        ("yaml_file", _TEXT),
        ("yaml_line", _LINES),
    ]
)
RELATIONS = pa.schema(
    [
        ("id", _TEXT),
        ("rule", _TEXT),
        ("kind", pa.int8()),
        ("document", _TEXT),
        ("program", _TEXT),
        ("subject", _TEXT),
        ("what", _TEXT),
        ("total", pa.int64()),
        ("parts", pa.list_(pa.int64())),
        ("missing", pa.list_(_TEXT)),
        ("empty", pa.list_(_TEXT)),
        ("names", pa.list_(_TEXT)),
        ("yaml_file", _TEXT),
        ("yaml_line", _LINES),
        ("note", _TEXT),
    ]
)


@dataclass(frozen=True, eq=False)
class Block:
    """One file's columns: ``counts[k]`` relations of rule ``rules[k]``, then the next rule's."""

    rules: tuple[str, ...]
    counts: tuple[int, ...]
    figures: pa.Table
    relations: pa.Table
    meta: dict[str, Any]  # what the caller keeps beside the columns (JSON)


def fits(cols: Columns) -> bool:
    """Whether ``cols`` can be a block: stated figures only, amounts and lines in int64, units by their text."""
    f = cols.figures
    return (
        bool(np.all(f.stated))
        and all(a.dtype == np.int64 for a in (f.coefficient, f.source_line, f.yaml_line, cols.relations.yaml_line))
        and all(parse_unit(u.text) == u for u in f.units)
    )


def encode(cols: Columns, rules: Sequence[str], counts: Sequence[int], meta: dict[str, Any]) -> bytes:
    """The bytes of the block of ``cols`` (see :func:`fits`), its relations counted by rule."""
    f, r = cols.figures, cols.relations
    units = [u.text for u in f.units]
    figures = pa.table(
        [
            pa.array(_all(f.ref), _TEXT),
            pa.array(_all(f.label), _TEXT),
            pa.array(f.coefficient, pa.int64()),
            pa.array(f.exponent, pa.int64()),
            pa.array([units[c] for c in f.unit_code.tolist()], _TEXT),
            pa.array(_all(f.bound), _TEXT),
            pa.array(_all(f.note), _TEXT),
            pa.array(_all(f.source_file), _TEXT),
            pa.array(f.source_line, _LINES),
            pa.array(_all(f.yaml_file), _TEXT),
            pa.array(f.yaml_line, _LINES),
        ],
        schema=FIGURES,
    )
    parts = pa.ListArray.from_arrays(pa.array(r.offsets, pa.int32()), pa.array(r.parts, pa.int64()))
    relations = pa.table(
        [
            pa.array(_all(r.id), _TEXT),
            pa.array(_all(r.rule), _TEXT),
            pa.array(r.kind, pa.int8()),
            pa.array(_all(r.document), _TEXT),
            pa.array(_all(r.program), _TEXT),
            pa.array(_all(r.subject), _TEXT),
            pa.array(_all(r.what), _TEXT),
            pa.array(r.total, pa.int64()),
            parts,
            pa.array([list(x) for x in _all(r.missing)], pa.list_(_TEXT)),
            pa.array([list(x) for x in _all(r.empty)], pa.list_(_TEXT)),
            pa.array([list(x) for x in _all(r.names)], pa.list_(_TEXT)),
            pa.array(_all(r.yaml_file), _TEXT),
            pa.array(r.yaml_line, _LINES),
            pa.array(_all(r.note), _TEXT),
        ],
        schema=RELATIONS,
    )
    head = json.dumps({"rules": list(rules), "counts": list(counts), "meta": meta}, ensure_ascii=False).encode()
    return b"".join(_framed(x) for x in (head, _ipc(figures), _ipc(relations)))


def decode(data: bytes | memoryview) -> Block:
    """The block ``data`` holds; raises ValueError when anything in it is not as :func:`encode` writes it."""
    view = memoryview(data)
    pieces = []
    at = 0
    for _ in range(3):
        if at + 8 > len(view):
            raise ValueError("truncated block")
        size = int.from_bytes(view[at : at + 8], "little")
        at += 8
        if at + size > len(view):
            raise ValueError("truncated block")
        pieces.append(view[at : at + size])
        at += size
    if at != len(view):
        raise ValueError("trailing bytes")
    head = json.loads(bytes(pieces[0]), parse_float=_refuse, parse_constant=_refuse)
    rules, counts, meta = head["rules"], head["counts"], head["meta"]
    if not (
        isinstance(rules, list)
        and isinstance(counts, list)
        and isinstance(meta, dict)
        and len(rules) == len(counts)
        and all(type(x) is str for x in rules)
        and all(type(n) is int and n >= 0 for n in counts)
    ):
        raise ValueError("damaged head")
    figures, relations = (_table(p, schema) for p, schema in ((pieces[1], FIGURES), (pieces[2], RELATIONS)))
    n = figures.num_rows
    if sum(counts) != relations.num_rows:
        raise ValueError("relations miscounted")
    total = relations.column("total").to_numpy()
    kind = relations.column("kind").to_numpy()
    parts = relations.column("parts").combine_chunks().flatten().to_numpy()
    if (
        (len(total) and (total.min() < 0 or total.max() >= n))
        or (len(parts) and (parts.min() < 0 or parts.max() >= n))
        or (len(kind) and (kind.min() < 0 or kind.max() >= len(KINDS)))
    ):
        raise ValueError("an index out of range")
    for name in ("ref", "label", "coefficient", "exponent", "unit", "source_file", "source_line", "yaml_file"):
        if figures.column(name).null_count:
            raise ValueError(f"empty {name}")
    for name in ("id", "rule", "kind", "document", "program", "subject", "what", "total", "parts", "yaml_file"):
        if relations.column(name).null_count:
            raise ValueError(f"empty {name}")
    for name in ("yaml_line",):
        if relations.column(name).null_count or figures.column(name).null_count:
            raise ValueError(f"empty {name}")
    for name in ("missing", "empty", "names"):
        if relations.column(name).combine_chunks().flatten().null_count:
            raise ValueError(f"empty {name}")
    return Block(tuple(rules), tuple(counts), figures, relations, meta)


def join(path: str, documents: int, blocks: Sequence[Block]) -> Columns:
    """The Columns of the blocks laid end to end (see the module's docstring); all share one rule order."""
    from fundaudit.columnar.files import _Lists, _Texts

    if not blocks or any(b.rules != blocks[0].rules for b in blocks):
        raise ValueError("blocks of different rules")
    sizes = np.array([b.figures.num_rows for b in blocks], dtype=np.int64)
    base = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    figs = pa.concat_tables([b.figures for b in blocks])
    rels = pa.concat_tables([b.relations for b in blocks])
    # the relations rule by rule, block by block
    counts = np.array([b.counts for b in blocks], dtype=np.int64)  # block × rule
    rel_start = np.concatenate([[0], np.cumsum(counts.sum(axis=1))[:-1]]).astype(np.int64)
    in_block = np.concatenate([np.zeros((len(blocks), 1), dtype=np.int64), np.cumsum(counts, axis=1)[:, :-1]], axis=1)
    starts = (rel_start[:, None] + in_block).T.ravel()  # rule-major
    lengths = counts.T.ravel()
    order = _ranges(starts, lengths)
    rel_base = np.repeat(base, counts.sum(axis=1))
    total = (_numbers(rels, "total") + rel_base)[order]
    offsets, values = _lists(rels.column("parts"))
    values = values + np.repeat(rel_base, np.diff(offsets))
    sizes_of = np.diff(offsets)[order]
    new_offsets = np.concatenate([[0], np.cumsum(sizes_of)]).astype(np.int64)
    parts = values[_ranges(offsets[:-1][order], sizes_of)] if len(values) else values
    taken = rels.take(pa.array(order, pa.int64()))
    unit_col = figs.column("unit").combine_chunks().dictionary_encode()
    texts = unit_col.dictionary.to_pylist()  # in the order of first use, as from_relations numbers them
    units: tuple[Unit, ...] = tuple(parse_unit(t) for t in texts)
    has = {name: (pa.compute.list_value_length(taken.column(name)).to_numpy() > 0) for name in ("missing", "empty")}
    return Columns(
        path,
        documents,
        FigureColumns(
            ref=_Texts(figs.column("ref")),
            label=_Texts(figs.column("label")),
            coefficient=_numbers(figs, "coefficient"),
            exponent=_numbers(figs, "exponent"),
            unit_code=unit_col.indices.to_numpy().astype(np.int64),
            units=units,
            bound=_Texts(figs.column("bound")),
            note=_Texts(figs.column("note")),
            source_file=_Texts(figs.column("source_file")),
            source_line=_numbers(figs, "source_line"),
            yaml_file=_Texts(figs.column("yaml_file")),
            yaml_line=_numbers(figs, "yaml_line"),
            stated=np.ones(figs.num_rows, dtype=bool),
        ),
        RelationColumns(
            id=_Texts(taken.column("id")),
            rule=_Texts(taken.column("rule")),
            kind=_numbers(taken, "kind").astype(np.int8),
            document=_Texts(taken.column("document")),
            program=_Texts(taken.column("program")),
            subject=_Texts(taken.column("subject")),
            what=_Texts(taken.column("what")),
            total=total,
            offsets=new_offsets,
            parts=parts.astype(np.int64),
            missing=_Lists(taken.column("missing")),
            empty=_Lists(taken.column("empty")),
            names=_Lists(taken.column("names")),
            has_missing=has["missing"],
            has_empty=has["empty"],
            yaml_file=_Texts(taken.column("yaml_file")),
            yaml_line=_numbers(taken, "yaml_line"),
            note=_Texts(taken.column("note")),
        ),
    )


def _all(col: Texts | Lists) -> list[Any]:
    return take(col, range(len(col)))


def _ranges(starts: np.ndarray[Any, Any], lengths: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """``starts[k], starts[k] + 1, … (lengths[k] of them)`` for every k, end to end."""
    total = int(lengths.sum())
    firsts = np.cumsum(lengths) - lengths
    out: np.ndarray[Any, Any] = np.arange(total, dtype=np.int64) + np.repeat(starts - firsts, lengths)
    return out


def _numbers(table: pa.Table, name: str) -> np.ndarray[Any, Any]:
    out: np.ndarray[Any, Any] = np.asarray(table.column(name).to_numpy(), dtype=np.int8 if name == "kind" else np.int64)
    return out


def _lists(col: pa.ChunkedArray) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The offsets (from 0) and the values of a list column of int64."""
    arr = col.combine_chunks()
    offsets = np.asarray(arr.offsets.to_numpy(), dtype=np.int64)
    values = np.asarray(arr.values.to_numpy(), dtype=np.int64)
    return offsets - offsets[0], values[offsets[0] : offsets[-1]]


def _framed(data: bytes) -> bytes:
    return len(data).to_bytes(8, "little") + data


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as out:
        out.write_table(table)
    return bytes(sink.getvalue())


def _table(data: memoryview, schema: pa.Schema) -> pa.Table:
    with pa.ipc.open_stream(pa.py_buffer(data)) as reader:
        table = reader.read_all()
    if not table.schema.equals(schema):
        raise ValueError("not the columns of a block")
    table.validate(full=True)
    return table


def _refuse(text: str) -> Any:
    raise ValueError(f"not a whole number: {text}")
