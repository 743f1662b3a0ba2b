"""A block's head (:mod:`fundaudit.columnar.blocks`): its rules, counts and meta, read without Arrow.

Kept apart from the columns so that a check whose every file's findings are known already
(:mod:`fundaudit.columnar.resultcache`) reads the blocks' heads without importing pyarrow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fundaudit.cachefiles import whole

if TYPE_CHECKING:
    import pyarrow as pa


class Block:
    """One file's columns: ``counts[k]`` relations of rule ``rules[k]``, then the next rule's.

    ``meta`` is what the caller keeps beside the columns (JSON). The tables are given, or
    read when first asked for by ``read`` (which raises ValueError when they are damaged):
    a block whose file's findings are known already is never read past its head.
    """

    __slots__ = ("_open", "_tables", "counts", "meta", "rules")

    def __init__(
        self,
        rules: tuple[str, ...],
        counts: tuple[int, ...],
        meta: dict[str, Any],
        tables: tuple[pa.Table, pa.Table] | None = None,
        read: Callable[[], tuple[pa.Table, pa.Table]] | None = None,
    ) -> None:
        self.rules, self.counts, self.meta = rules, counts, meta
        self._tables, self._open = tables, read

    @property
    def figures(self) -> pa.Table:
        return self.tables()[0]

    @property
    def relations(self) -> pa.Table:
        return self.tables()[1]

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """The figures and the relations (read now if they were not); ValueError: damaged."""
        if self._tables is None:
            if self._open is None:
                raise ValueError("a block without its tables")
            self._tables = self._open()
            self._open = None
        return self._tables


def head_size(view: memoryview) -> int:
    """Where the head of the block ``view`` ends (its first frame); ValueError: truncated."""
    if len(view) < 8:
        raise ValueError("truncated block")
    end = 8 + int.from_bytes(view[:8], "little")
    if end > len(view):
        raise ValueError("truncated block")
    return end


def decode_head(head: memoryview | bytes) -> tuple[tuple[str, ...], tuple[int, ...], dict[str, Any]]:
    """The rules, their relations' counts and the meta of a block's head (its first frame's bytes)."""
    got = whole(bytes(head))
    if not isinstance(got, dict):
        raise ValueError("damaged head")
    rules, counts, meta = got["rules"], got["counts"], got["meta"]
    if not (
        isinstance(rules, list)
        and isinstance(counts, list)
        and isinstance(meta, dict)
        and len(rules) == len(counts)
        and all(type(x) is str for x in rules)
        and all(type(n) is int and n >= 0 for n in counts)
    ):
        raise ValueError("damaged head")
    return tuple(rules), tuple(counts), meta
