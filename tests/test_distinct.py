"""``columnar.distinct``: whether a column's texts are all different, against Python's set.

The answer must be exact whatever the hashes do: texts that differ only past their eighth
byte, in their last byte, in length alone (a text and itself with a zero byte more), empty
texts, nulls (counted as one text, as Arrow's ``unique`` counts them), slices of a larger
array, 32- and 64-bit offsets, and hashes forced to collide.
"""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundaudit.columnar import distinct as module
from fundaudit.columnar.distinct import distinct


def _oracle(texts: list[str | None]) -> bool:
    nulls = sum(t is None for t in texts)
    rest = [t for t in texts if t is not None]
    return nulls <= 1 and len(set(rest)) == len(rest)


@pytest.fixture(autouse=True)
def _hash_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash from two texts on (the hashes, not Arrow's table, are what is tested)."""
    monkeypatch.setattr(module, "_HASHED", 2)


_texts = st.lists(
    st.one_of(st.none(), st.text(alphabet="ab\x00中", max_size=20), st.sampled_from(["", "a" * 8, "a" * 9, "a" * 16])),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(
    _texts, st.booleans(), st.integers(0, 3), st.integers(0, 3), st.sampled_from([0, 3, 64]), st.sampled_from([9, 512])
)
def test_the_same_answer_as_a_set(
    texts: list[str | None], large: bool, head: int, tail: int, few: int, long: int
) -> None:
    """``few``, ``long``: from how few texts left, or how long a text, the rest is hashed by Python
    (0 and 512: the numpy rounds to the end)."""
    array = pa.array(["x" * head] * head + texts + ["y"] * tail, type=pa.large_string() if large else pa.string())
    part = array.slice(head, len(texts))
    saved = module._TAIL, module._LONG
    module._TAIL, module._LONG = few, long
    try:
        assert distinct(part) == _oracle(texts)
        assert distinct(pa.chunked_array([part], type=part.type)) == _oracle(texts)
    finally:
        module._TAIL, module._LONG = saved


def test_a_text_of_megabytes_costs_no_round_per_eight_bytes() -> None:
    huge = "x" * 5_000_000
    refs = [f"r{i}" for i in range(20_000)]
    started = time.perf_counter()
    assert distinct(pa.array([*refs, huge, huge + "y"]))
    assert not distinct(pa.array([*refs, huge, "y", huge]))
    assert time.perf_counter() - started < 3  # a round per 8 bytes took ~10 s (0.3 s now)


def test_texts_that_differ_only_far_in_or_by_a_zero_byte() -> None:
    base = [f"{'d' * 30}{i:06d}" for i in range(5000)]
    assert distinct(pa.array(base))
    assert not distinct(pa.array([*base, base[4321]]))
    assert distinct(pa.array(["abc", "abc\x00", "abc\x00\x00", "", "\x00" * 8, "\x00" * 9]))
    assert not distinct(pa.array(["abcdefgh" * 3, "x", "abcdefgh" * 3]))


def test_forced_collisions_are_compared_as_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "_hashes", lambda texts: np.zeros(len(texts), dtype=np.uint64))
    assert distinct(pa.array([f"r{i}" for i in range(1000)]))
    assert not distinct(pa.array(["r1", "r2", "r3", "r2"]))


def test_the_real_refs_of_a_million_shaped_column() -> None:
    refs = pa.array([f"d{i % 7}::p{i // 7}:f{i % 13}" for i in range(200_000)])
    assert distinct(refs) == (len(set(refs.to_pylist())) == len(refs))
