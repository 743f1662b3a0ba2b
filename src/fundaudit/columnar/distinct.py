"""Whether every text of a column differs from every other — exactly, without a hash table.

A table's ``ref`` and ``id`` columns must hold no text twice. Arrow's ``unique`` answers by
building a hash table of every text (0.43 s for 10^6 refs, the largest part of reading the
tables). :func:`distinct` gives the same answer from numpy: each text's 64-bit hash, read
eight bytes at a time straight from the column's UTF-8 buffer, the hashes sorted, and only the
texts whose hashes meet compared as texts. Different hashes prove different texts, and every
pair of equal texts has equal hashes, so the answer is exact whatever the hash; a good hash
only keeps the texts compared as texts few (a run of crafted collisions costs a Python set of
those texts, never more than linear time). The rest of a very long text, or of the last few, is
hashed whole by Python's ``hash`` (a 10 MB ref would otherwise take a round per 8 bytes), the
other texts still eight bytes at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_HASHED = 1 << 14  # texts from which hashing beats Arrow's hash table
_TAIL = 64  # texts with bytes left from which the rest of each is hashed whole, by Python's hash
_LONG = 512  # bytes left in a text from which its rest is hashed whole (no round per 8 bytes of it)
_MASK = (1 << 64) - 1
_MULTIPLY = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def distinct(texts: pa.Array | pa.ChunkedArray) -> bool:
    """Whether the texts of ``texts`` are all different; nulls count as one text, as Arrow's
    ``unique`` counts them."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if isinstance(texts, pa.DictionaryArray):
        texts = texts.dictionary_decode()
    if texts.null_count > 1:
        return False
    if texts.null_count:
        texts = texts.drop_null()
    n = len(texts)
    if n < 2:
        return True
    if n < _HASHED or not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)):
        return len(pc.unique(texts)) == n
    hashes = _hashes(texts)
    ordered = np.sort(hashes)
    met = ordered[1:] == ordered[:-1]
    if not met.any():
        return True
    candidates = np.flatnonzero(np.isin(hashes, ordered[1:][met]))
    same = texts.take(pa.array(candidates)).to_pylist()
    return len(set(same)) == len(same)


def _hashes(texts: pa.Array) -> np.ndarray[Any, Any]:
    """A 64-bit hash of each text (no nulls), from its bytes and its length."""
    _validity, offset_buffer, data_buffer = texts.buffers()
    width = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    offsets = np.frombuffer(offset_buffer, dtype=width)[texts.offset : texts.offset + len(texts) + 1].astype(np.int64)
    first, last = int(offsets[0]), int(offsets[-1])
    data = np.zeros(last - first + 8, dtype=np.uint8)  # eight zero bytes past the end: every read is whole
    if data_buffer is not None and last > first:
        data[: last - first] = np.frombuffer(data_buffer, dtype=np.uint8)[first:last]
    # the little-endian 64-bit word at every byte: a view, read eight bytes from any start
    words = np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=data, offset=0, strides=(1,))
    lengths = np.diff(offsets)
    hashes = lengths.astype(np.uint64) * _MULTIPLY
    at: np.ndarray[Any, Any] | None = None  # the texts with bytes left (None: every text)
    start = offsets[:-1] - first
    left = lengths
    while len(left):
        # the rest of a text past _LONG bytes, or of every one when few are left, hashed whole
        whole = np.ones(len(left), dtype=bool) if len(left) <= _TAIL else left > _LONG
        if whole.any():
            some = np.flatnonzero(whole)
            pieces = zip(start[some].tolist(), left[some].tolist(), strict=True)
            rest = [hash(data[a : a + n].tobytes()) & _MASK for a, n in pieces]
            where = some if at is None else at[some]
            hashes[where] = _mixed(hashes[where], np.array(rest, dtype=np.uint64))
            keep = ~whole
            at = np.flatnonzero(keep) if at is None else at[keep]
            start, left = start[keep], left[keep]
            continue
        word = words[start]
        short = left < 8
        if short.any():  # the last bytes of a text: the bytes past it are another's (or the padding)
            bits = (left[short] * 8).astype(np.uint64)
            word[short] &= (np.uint64(1) << bits) - np.uint64(1)
        if at is None:
            hashes = _mixed(hashes, word)
        else:
            hashes[at] = _mixed(hashes[at], word)
        more = left > 8
        if more.all():
            start += 8
            left -= 8
            continue
        at = np.flatnonzero(more) if at is None else at[more]
        start, left = start[more] + 8, left[more] - 8
    return hashes


def _mixed(hashes: np.ndarray[Any, Any], word: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """``hashes`` with ``word`` mixed in (one word of each text), made in ``word``'s memory."""
    np.bitwise_xor(word, hashes, out=word)
    np.multiply(word, _MULTIPLY, out=word)
    np.bitwise_xor(word, word >> np.uint64(31), out=word)
    np.multiply(word, _MIX, out=word)
    return word
