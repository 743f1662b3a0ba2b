"""JSON texts assembled a column at a time, in Arrow, for a chunk of findings.

A finding's JSON object is some sixty pieces: fixed text (``{"id": ``, ``, "rule": `` …)
between its fields, each field a JSON string or number. :meth:`fundaudit.report.pieces._Chunk.json`
joins them one finding at a time in Python; here each field is a column (an Arrow string
array, one element per finding) and the fixed text a scalar, joined for the whole chunk by
Arrow's ``binary_join_element_wise`` (:func:`joined`). The texts made in Python (messages,
ids, diagnoses) cross into Arrow once each, as one buffer per column (:func:`strings`); the
chunk's text leaves Arrow in one piece (:func:`text`).

- :func:`escaped` writes each text as ``json.dumps(text, ensure_ascii=False)`` does
  (:func:`json.encoder.encode_basestring`): most texts need nothing but their quotes, found
  by one regular expression over the column; the few with a quote, a backslash or a control
  character are escaped by the same C function as the encoder's. A text Arrow cannot hold (a
  lone surrogate of a file name the system gave as bytes) raises :class:`Unencodable`, and the
  chunk is written one finding at a time.
- :func:`lists` joins each finding's list (its parts, a diagnosis's figures) from one flat
  column and the list sizes.
- :func:`placed` spreads a column made for some findings (the diagnosed ones) over the chunk,
  null elsewhere, and :func:`joined` skips a null piece — so an absent field writes nothing.

Every array is built from its buffers, never by ``pa.array`` or ``pa.scalar`` from Python
objects: those import pandas (a fifth to half a second) to ask whether the object is one of
its arrays. ``tests/test_json_columns.py`` holds each function to the per-finding definition
it replaces, and the whole to the per-finding JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from json.encoder import encode_basestring
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Array = np.ndarray[Any, Any]

# the characters encode_basestring escapes (ensure_ascii=False): the quote, the backslash, C0
_ESCAPED = r'["\\\x00-\x1f]'
_SKIP = pc.JoinOptions(null_handling="skip")
_ROOM = 2**31 - 1  # bytes a string column's int32 offsets reach


class Unencodable(ValueError):
    """A text Arrow cannot hold as UTF-8 (a lone surrogate), or a column past its offsets' room."""


def strings(texts: Sequence[str | None]) -> Any:
    """``texts`` as an Arrow string array (``None`` as null), built from one UTF-8 buffer.

    The byte offsets come from the texts' lengths in code points: the ``k``-th code point
    starts at the ``k``-th byte that does not continue a UTF-8 sequence.
    """
    n = len(texts)
    valid = None
    if None in texts:
        mask = np.fromiter((t is not None for t in texts), dtype=bool, count=n)
        valid = pa.py_buffer(np.packbits(mask, bitorder="little"))
        texts = [t or "" for t in texts]
    whole = "".join(texts)  # type: ignore[arg-type]
    try:
        data = whole.encode("utf-8")
    except UnicodeEncodeError as e:
        raise Unencodable(str(e)) from None
    if len(data) > _ROOM:
        raise Unencodable(f"{len(data)} bytes in one column")
    ends = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=n), out=ends[1:])  # type: ignore[arg-type]
    if len(data) != len(whole):  # some past ASCII: code points to bytes
        raw = np.frombuffer(data, dtype=np.uint8)
        starts = np.append(np.flatnonzero((raw & 0xC0) != 0x80), len(data))
        ends = starts[ends]
    offsets = pa.py_buffer(ends.astype(np.int32))
    return pa.Array.from_buffers(pa.string(), n, [valid, offsets, pa.py_buffer(data)])


@cache
def literal(text: str) -> Any:
    """``text`` as an Arrow scalar (the same in every row of a join)."""
    return strings([text])[0]


def integers(values: Sequence[int] | Array, valid: Array | None = None) -> Any:
    """Integers as an Arrow int64 array (null where not ``valid``)."""
    data = np.ascontiguousarray(np.asarray(values, dtype=np.int64))
    bits = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(pa.int64(), len(data), [bits, pa.py_buffer(data)])


def numbers(values: Sequence[int] | Array) -> Any:
    """Each integer as ``str(int)`` writes it."""
    return integers(values).cast(pa.string())


def marked(flags: Any) -> Array:
    """The rows where an Arrow boolean column is true (not null), as int64 indices."""
    at = pc.indices_nonzero(flags)
    if not len(at):
        return np.zeros(0, dtype=np.int64)
    return np.frombuffer(at.buffers()[1], dtype=np.uint64, count=len(at), offset=8 * at.offset).astype(np.int64)


def escaped(texts: Sequence[str | None]) -> Any:
    """Each text as a JSON string (``json.dumps(text, ensure_ascii=False)``); None stays null."""
    arr = strings(texts)
    quoted = required('"', arr, '"')
    flags = pc.match_substring_regex(arr, _ESCAPED)
    at = marked(flags)
    if not len(at):
        return quoted
    fixed = strings([encode_basestring(texts[k]) for k in at.tolist()])
    return pc.replace_with_mask(quoted, pc.fill_null(flags, False), fixed)


def _pieces(pieces: tuple[Any, ...]) -> list[Any]:
    return [literal(p) if isinstance(p, str) else p for p in pieces if p is not None]


def joined(*pieces: Any) -> Any:
    """Each row's pieces one after the other (a ``str`` is the same text in every row); a null
    piece, or a piece None, writes nothing."""
    return pc.binary_join_element_wise(*_pieces(pieces), literal(""), options=_SKIP)


def required(*pieces: Any) -> Any:
    """:func:`joined`, null where any piece is null."""
    return pc.binary_join_element_wise(*_pieces(pieces), literal(""))


def otherwise(values: Any, text: str) -> Any:
    """``values`` with ``text`` where a value is null."""
    return pc.fill_null(values, literal(text))


def lists(values: Any, sizes: Sequence[int] | Array, sep: str) -> Any:
    """``sep.join`` of each run of ``values``: the first ``sizes[0]``, the next ``sizes[1]`` …"""
    offsets = np.zeros(len(sizes) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum(np.asarray(sizes, dtype=np.int64))
    where = pa.Array.from_buffers(pa.int32(), len(offsets), [None, pa.py_buffer(offsets)])
    return pc.binary_join(pa.ListArray.from_arrays(where, values), literal(sep))


def placed(values: Any, at: Sequence[int] | Array, n: int) -> Any:
    """A column of ``n`` rows: ``values[k]`` at row ``at[k]``, null in the others."""
    where = np.zeros(n, dtype=np.int64)
    valid = np.zeros(n, dtype=bool)
    rows = np.asarray(at, dtype=np.int64)
    where[rows] = np.arange(len(rows))
    valid[rows] = True
    return values.take(integers(where, valid))


def taken(values: Any, at: Sequence[int] | Array) -> Any:
    """``values`` at the rows ``at``."""
    return values.take(integers(at))


def text(values: Any, sep: str) -> str:
    """``sep.join`` of the column's texts (none null), read out of Arrow at once."""
    if not len(values):
        return ""
    whole = pc.binary_join_element_wise(values, literal(sep), literal("")) if sep else values
    offsets = np.frombuffer(whole.buffers()[1], dtype=np.int32, count=len(whole) + 1, offset=4 * whole.offset)
    data = memoryview(whole.buffers()[2])[int(offsets[0]) : int(offsets[-1]) - len(sep.encode())]
    return str(data, "utf-8")
