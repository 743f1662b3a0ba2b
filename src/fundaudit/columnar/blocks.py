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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from fundaudit.columnar.arrays import (
    _INT64_MAX,
    KINDS,
    Columns,
    FigureColumns,
    Lists,
    RelationColumns,
    Texts,
    filled_arrow,
    take,
)
from fundaudit.columnar.blockhead import Block as Block
from fundaudit.columnar.blockhead import decode_head, head_size
from fundaudit.units import Unit, parse_unit

_TEXT, _LINES = pa.string(), pa.int64()
_CODED = pa.dictionary(pa.int32(), _TEXT)  # text that repeats (a file's path in every row): each value once
_BIG = re.compile(r"-?[1-9][0-9]{0,4999}")  # a coefficient's digits (a number has at most a few hundred)
FIGURES = pa.schema(
    [
        ("ref", _TEXT),
        ("label", _TEXT),
        ("coefficient", pa.int64()),
        ("big", _TEXT),  # the digits of a coefficient past int64 (its ``coefficient`` is then 0), else null
        ("exponent", pa.int64()),
        ("unit", _CODED),
        ("bound", _TEXT),
        ("note", _TEXT),
        ("drafted", _TEXT),
        ("source_file", _CODED),
        ("source_line", _LINES),
        ("yaml_file", _CODED),
        ("yaml_line", _LINES),
    ]
)
RELATIONS = pa.schema(
    [
        ("id", _TEXT),
        ("rule", _CODED),
        ("kind", pa.int8()),
        ("document", _CODED),
        ("program", _CODED),
        ("subject", _CODED),
        ("what", _CODED),
        ("total", pa.int64()),
        ("parts", pa.list_(pa.int64())),
        ("missing", pa.list_(_TEXT)),
        ("empty", pa.list_(_TEXT)),
        ("names", pa.list_(_TEXT)),
        ("yaml_file", _CODED),
        ("yaml_line", _LINES),
        ("note", _TEXT),
    ]
)


def fits(cols: Columns) -> bool:
    """Whether ``cols`` can be a block: stated figures only, amounts and lines in int64, units by their text."""
    f = cols.figures
    return (
        bool(np.all(f.stated))
        and all(a.dtype == np.int64 for a in (f.source_line, f.yaml_line, cols.relations.yaml_line))
        and all(parse_unit(u.text) == u for u in f.units)
    )


def encode(cols: Columns, rules: Sequence[str], counts: Sequence[int], meta: dict[str, Any]) -> bytes:
    """The bytes of the block of ``cols`` (see :func:`fits`), its relations counted by rule."""
    f, r = cols.figures, cols.relations
    units = [u.text for u in f.units]
    figures = pa.Table.from_arrays(
        [
            _texts(_all(f.ref)),
            _texts(_all(f.label)),
            *_coefficients(f.coefficient),
            _whole(f.exponent, np.int64),
            _coded([units[c] for c in f.unit_code.tolist()]),
            _texts(_all(f.bound)),
            _texts(_all(f.note)),
            _texts(_all(f.drafted)),
            _coded(_all(f.source_file)),
            _whole(f.source_line, np.int64),
            _coded(_all(f.yaml_file)),
            _whole(f.yaml_line, np.int64),
        ],
        schema=FIGURES,
    )
    relations = pa.Table.from_arrays(
        [
            _texts(_all(r.id)),
            _coded(_all(r.rule)),
            _whole(r.kind, np.int8),
            _coded(_all(r.document)),
            _coded(_all(r.program)),
            _coded(_all(r.subject)),
            _coded(_all(r.what)),
            _whole(r.total, np.int64),
            _listed(r.offsets, _whole(r.parts, np.int64)),
            *(_text_lists(_all(col)) for col in (r.missing, r.empty, r.names)),
            _coded(_all(r.yaml_file)),
            _whole(r.yaml_line, np.int64),
            _texts(_all(r.note)),
        ],
        schema=RELATIONS,
    )
    head = json.dumps({"rules": list(rules), "counts": list(counts), "meta": meta}, ensure_ascii=False).encode()
    return b"".join(_framed(x) for x in (head, _ipc(figures), _ipc(relations)))


# Arrow arrays made from their buffers and read back the same way: pyarrow's conversions of
# Python lists and to numpy import pandas (0.3 s) to ask whether they were given its objects.


def _coefficients(values: np.ndarray[Any, Any]) -> tuple[pa.Array, pa.Array]:
    """The coefficients as int64, and the digits of those past it (as :func:`int_array` tells them)."""
    if values.dtype == np.int64:
        return _whole(values, np.int64), _texts([None] * len(values))
    fit = [-_INT64_MAX <= v <= _INT64_MAX for v in values.tolist()]
    ints = [v if ok else 0 for v, ok in zip(values.tolist(), fit, strict=True)]
    return _whole(ints, np.int64), _texts([None if ok else str(v) for v, ok in zip(values.tolist(), fit, strict=True)])


def _joined_coefficients(figs: pa.Table) -> np.ndarray[Any, Any]:
    """The coefficients of the joined blocks: int64, or Python ints when one is past it (as int_array)."""
    ints = _numbers(figs, "coefficient")
    big = figs.column("big")
    if not len(big) or big.null_count == len(big):
        return ints
    out: np.ndarray[Any, Any] = np.empty(len(ints), dtype=object)
    out[:] = ints.tolist()
    at = 0
    for chunk in big.chunks:  # (only the chunks that hold one read whole)
        if chunk.null_count < len(chunk):
            for i, text in enumerate(chunk.to_pylist()):
                if text is not None:
                    out[at + i] = int(text)
        at += len(chunk)
    return out


def _whole(values: Any, dtype: Any) -> pa.Array:
    data = np.ascontiguousarray(values, dtype=dtype)
    return pa.Array.from_buffers(pa.from_numpy_dtype(data.dtype), len(data), [None, pa.py_buffer(data)])


def _texts(values: Sequence[str | None]) -> pa.Array:
    encoded = [b"" if v is None else v.encode() for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    missing = np.array([v is None for v in values], dtype=bool)
    valid = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
    return pa.Array.from_buffers(
        _TEXT, len(encoded), [valid, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))], int(missing.sum())
    )


def _coded(values: Sequence[str]) -> pa.Array:
    """``values`` (none missing) dictionary-encoded, each value once, in the order first met."""
    seen: dict[str, int] = {}
    codes = [seen.setdefault(v, len(seen)) for v in values]
    return pa.DictionaryArray.from_arrays(_whole(codes, np.int32), _texts(list(seen)))


def _listed(offsets: Any, values: pa.Array) -> pa.Array:
    at = np.ascontiguousarray(offsets, dtype=np.int32)
    return pa.Array.from_buffers(pa.list_(values.type), len(at) - 1, [None, pa.py_buffer(at)], children=[values])


def _text_lists(values: Sequence[Sequence[str]]) -> pa.Array:
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([len(v) for v in values], out=offsets[1:])
    return _listed(offsets, _texts([x for v in values for x in v]))


def _np(col: pa.ChunkedArray | pa.Array, dtype: Any) -> np.ndarray[Any, Any]:
    """The values of a numeric Arrow column without nulls, as numpy."""
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    parts = [
        np.frombuffer(c.buffers()[1], dtype=dtype, count=len(c), offset=c.offset * np.dtype(dtype).itemsize)
        for c in chunks
    ]
    out: np.ndarray[Any, Any] = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
    return out


def decode(data: bytes | memoryview) -> Block:
    """The block ``data`` holds; raises ValueError when anything in it is not as :func:`encode` writes it."""
    view = memoryview(data)
    cut = head_size(view)
    rules, counts, meta = decode_head(view[8:cut])
    return Block(rules, counts, meta, decode_tables(view[cut:], counts))


def decode_tables(view: memoryview, counts: Sequence[int]) -> tuple[pa.Table, pa.Table]:
    """The figures and relations of a block, after its head: every column's type, index and bound checked."""
    pieces = []
    at = 0
    for _ in range(2):
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
    figures, relations = (_table(p, schema) for p, schema in ((pieces[0], FIGURES), (pieces[1], RELATIONS)))
    n = figures.num_rows
    if sum(counts) != relations.num_rows:
        raise ValueError("relations miscounted")
    total = _np(relations.column("total"), np.int64)
    kind = _np(relations.column("kind"), np.int8)
    parts = _np(pa.chunked_array(_flat(relations.column("parts")), pa.int64()), np.int64)
    if (
        (len(total) and (total.min() < 0 or total.max() >= n))
        or (len(parts) and (parts.min() < 0 or parts.max() >= n))
        or (len(kind) and (kind.min() < 0 or kind.max() >= len(KINDS)))
    ):
        raise ValueError("an index out of range")
    col = figures.column("big")
    big = [x for x in col.to_pylist() if x is not None] if col.null_count < len(col) else []
    if any(not _BIG.fullmatch(x) or -_INT64_MAX <= int(x) <= _INT64_MAX for x in big):
        raise ValueError("not a coefficient past int64")
    for table, optional in ((figures, ("bound", "note", "drafted", "big")), (relations, ("note",))):
        for name in table.column_names:
            col = table.column(name)
            if name not in optional and col.null_count:
                raise ValueError(f"empty {name}")
            if col.type == _CODED and any(c.dictionary.null_count for c in col.chunks):
                raise ValueError(f"empty {name}")
    for name in ("missing", "empty", "names"):
        if any(values.null_count for values in _flat(relations.column(name))):
            raise ValueError(f"empty {name}")
    return figures, relations


@dataclass(frozen=True, eq=False)
class Joined(Columns):
    """The Columns of blocks laid end to end, knowing each relation's block and its row there.

    ``digests[b]`` is the key block ``b`` was stored under (:func:`fundaudit.loader.cache.key`:
    the file's bytes, its path, document and source, and the code): a relation is a function
    of its block's key and its row in the block, whatever the other blocks are.
    """

    digests: tuple[str, ...]
    order: np.ndarray[Any, Any]  # relation i is row order[i] of the blocks' relations end to end
    starts: np.ndarray[Any, Any]  # the first row of each block there

    def origin(self, rows: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The block of each relation at ``rows`` and its row in that block."""
        at = self.order[rows]
        block = np.searchsorted(self.starts, at, side="right") - 1
        return block, at - self.starts[block]


def join(path: str, documents: int, blocks: Sequence[Block], digests: Sequence[str] | None = None) -> Columns:
    """The Columns of the blocks laid end to end (see the module's docstring); all share one rule order.

    With the blocks' keys (``digests``, one per block), they are :class:`Joined`.
    """
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

    def texts(name: str) -> Chunked:
        return Chunked(rels.column(name), order)

    def lists(name: str) -> Chunked:
        return Chunked(rels.column(name), order, lists=True)

    unit_texts, unit_code = _first_used(figs.column("unit"))
    # the units in the order of first use, as from_relations numbers them
    units: tuple[Unit, ...] = tuple(parse_unit(t) for t in unit_texts)
    has = {name: _lengths(rels.column(name))[order] > 0 for name in ("missing", "empty")}
    columns = Columns(
        path,
        documents,
        FigureColumns(
            ref=Chunked(figs.column("ref")),
            label=Chunked(figs.column("label")),
            coefficient=_joined_coefficients(figs),
            exponent=_numbers(figs, "exponent"),
            unit_code=unit_code,
            units=units,
            bound=Chunked(figs.column("bound")),
            note=Chunked(figs.column("note")),
            drafted=Chunked(figs.column("drafted")),
            source_file=Chunked(figs.column("source_file")),
            source_line=_numbers(figs, "source_line"),
            yaml_file=Chunked(figs.column("yaml_file")),
            yaml_line=_numbers(figs, "yaml_line"),
            stated=np.ones(figs.num_rows, dtype=bool),
        ),
        RelationColumns(
            id=texts("id"),
            rule=texts("rule"),
            kind=_numbers(rels, "kind")[order],
            document=texts("document"),
            program=texts("program"),
            subject=texts("subject"),
            what=texts("what"),
            total=total,
            offsets=new_offsets,
            parts=parts.astype(np.int64),
            missing=lists("missing"),
            empty=lists("empty"),
            names=lists("names"),
            has_missing=has["missing"],
            has_empty=has["empty"],
            yaml_file=texts("yaml_file"),
            yaml_line=_numbers(rels, "yaml_line")[order],
            note=texts("note"),
        ),
    )
    if digests is None or len(digests) != len(blocks) or not all(digests):
        return columns
    return Joined(columns.path, columns.documents, columns.figures, columns.relations, tuple(digests), order, rel_start)


_FEW = 50_000  # rows of a text column read whole when first taken from (a file's; a data set's are taken by row)


class Chunked:
    """A text (or text list) column of the joined blocks, read an element at a time, never copied whole.

    ``order``: row ``i`` is the column's row ``order[i]`` (the relations, put rule by rule).
    """

    def __init__(self, col: pa.ChunkedArray, order: np.ndarray[Any, Any] | None = None, lists: bool = False) -> None:
        self._col, self._order, self._lists = col, order, lists
        sizes = np.array([len(c) for c in col.chunks], dtype=np.int64)
        self._starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)  # each chunk's first row
        self._codes: tuple[np.ndarray[Any, Any], list[str]] | None = None  # see _coded
        self._all: list[Any] | None = None  # every row, of a column of _FEW rows at most (see take)

    def __len__(self) -> int:
        return len(self._col) if self._order is None else len(self._order)

    def __getitem__(self, i: int) -> Any:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        j = i % n if self._order is None else int(self._order[i])
        got = self._col[j].as_py()
        return tuple(got) if self._lists else got

    def take(self, rows: Sequence[int]) -> list[Any]:
        at = np.asarray(rows, dtype=np.int64)
        if self._order is not None:
            at = self._order[at]
        if self._col.type == _CODED:
            if len(at) and (at.min() < 0 or at.max() >= len(self._col)):
                raise IndexError("row out of range")
            codes, values = self._coded()
            return [values[c] for c in codes[at].tolist()]
        if len(self._col) <= _FEW:  # one file's column: read whole once (Arrow's take imports pyarrow.compute, 60 ms)
            if len(at) and (at.min() < 0 or at.max() >= len(self._col)):
                raise IndexError("row out of range")
            if self._all is None:
                self._all = self._col.to_pylist()
            whole = self._all
            got = [whole[i] for i in at.tolist()]
        else:
            got = self._take(at).to_pylist()
        return [tuple(x) for x in got] if self._lists else got

    def filled(self) -> np.ndarray[Any, Any]:
        """Which rows hold a text (:func:`fundaudit.columnar.arrays.filled`)."""
        got = filled_arrow(self._col)
        return got if self._order is None else got[self._order]

    def _coded(self) -> tuple[np.ndarray[Any, Any], list[str]]:
        """A dictionary-encoded column as one code per row into one list of every chunk's values (made once)."""
        if self._codes is None:
            chunks = self._col.chunks
            sizes = np.array([len(c.dictionary) for c in chunks], dtype=np.int64)
            base = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
            lengths = np.array([len(c) for c in chunks], dtype=np.int64)
            local = [_np(c.indices, np.int32) for c in chunks]
            codes = (np.concatenate(local).astype(np.int64) if local else np.zeros(0, dtype=np.int64)) + np.repeat(
                base, lengths
            )
            values = [x for c in chunks for x in c.dictionary.to_pylist()]
            self._codes = (codes, values)
        return self._codes

    def _take(self, at: np.ndarray[Any, Any]) -> pa.Array:
        """The column's rows ``at``, taken from the chunks they are in (Arrow's ``take`` of a chunked
        column joins all its chunks into one first: a few rows of 10^6 cost as much as all)."""
        chunks = self._col.chunks
        n = len(self._col)
        if len(at) and (at.min() < 0 or at.max() >= n):
            raise IndexError("row out of range")
        # Arrow's own take when joining the chunks costs less than a take per chunk (about 20 µs each)
        if len(chunks) == 1 or not len(at) or self._col.nbytes < 60_000 * len(chunks):
            got = self._col.take(_whole(at, np.int64)).combine_chunks()
            return got.dictionary_decode() if got.type == _CODED else got
        starts = self._starts
        chunk = np.searchsorted(starts, at, side="right") - 1
        by = np.argsort(chunk, kind="stable")
        cut = np.flatnonzero(np.diff(chunk[by])) + 1
        pieces = [
            chunks[int(chunk[part[0]])].take(_whole(at[part] - starts[chunk[part[0]]], np.int64))
            for part in np.split(by, cut)
        ]
        back = np.empty(len(at), dtype=np.int64)
        back[by] = np.arange(len(at), dtype=np.int64)
        if pieces[0].type == _CODED:
            pieces = [p.dictionary_decode() for p in pieces]
        return pa.concat_arrays(pieces).take(_whole(back, np.int64))


def _all(col: Texts | Lists) -> list[Any]:
    return take(col, range(len(col)))


def _ranges(starts: np.ndarray[Any, Any], lengths: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """``starts[k], starts[k] + 1, … (lengths[k] of them)`` for every k, end to end."""
    total = int(lengths.sum())
    firsts = np.cumsum(lengths) - lengths
    out: np.ndarray[Any, Any] = np.arange(total, dtype=np.int64) + np.repeat(starts - firsts, lengths)
    return out


def _first_used(col: pa.ChunkedArray) -> tuple[list[str], np.ndarray[Any, Any]]:
    """The texts of a dictionary-encoded column in the order of first use, and each row's code among them."""
    code_of: dict[str, int] = {}
    codes = []
    for chunk in col.chunks:
        texts = chunk.dictionary.to_pylist()
        at = _np(chunk.indices, np.int32)
        used, first = np.unique(at, return_index=True)
        local = np.zeros(len(texts), dtype=np.int64)
        for i in used[np.argsort(first)].tolist():
            local[i] = code_of.setdefault(texts[i], len(code_of))
        codes.append(local[at])
    out: np.ndarray[Any, Any] = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    return list(code_of), out


def _flat(col: pa.ChunkedArray) -> list[pa.Array]:
    """The values of each chunk of a list column, every value its lists hold (not through pyarrow.compute)."""
    out = []
    for chunk in col.chunks:
        at = _np(chunk.offsets, np.int32)
        out.append(chunk.values.slice(int(at[0]), int(at[-1] - at[0])) if len(at) else chunk.values.slice(0, 0))
    return out


def _lengths(col: pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """The length of each list of a list column without empty rows (pyarrow.compute costs 60 ms to import)."""
    parts = [np.diff(_np(c.offsets, np.int32)) for c in col.chunks]
    out: np.ndarray[Any, Any] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    return out


def _numbers(table: pa.Table, name: str) -> np.ndarray[Any, Any]:
    return _np(table.column(name), np.int8 if name == "kind" else np.int64)


def _lists(col: pa.ChunkedArray) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The offsets (from 0) and the values of a list column of int64."""
    arr = col.combine_chunks()
    offsets = _np(arr.offsets, np.int32).astype(np.int64)
    values = _np(arr.values, np.int64)
    return offsets - offsets[0], values[offsets[0] : offsets[-1]]


def _framed(data: bytes) -> bytes:
    return len(data).to_bytes(8, "little") + data


def _ipc(table: pa.Table) -> bytes:
    # not compressed: read back without a copy (LZ4 makes the blocks a third as large, but
    # unpacking them into fresh memory costs 0.4 s more CPU at 10^6 figures than reading and
    # hashing the bytes saved)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as out:
        out.write_table(table)
    return bytes(sink.getvalue())


def _table(data: memoryview, schema: pa.Schema) -> pa.Table:
    with pa.ipc.open_stream(pa.py_buffer(data), options=pa.ipc.IpcReadOptions(use_threads=False)) as reader:
        table = reader.read_all()
    if not table.schema.equals(schema):
        raise ValueError("not the columns of a block")
    table.validate(full=True)
    return table
