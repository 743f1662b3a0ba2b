"""A cache of each group's diagnoses, so that a check after editing one YAML file diagnoses only its group.

A large audit is diagnosed one independent group of failing relations at a time
(:mod:`fundaudit.columnar.diagnoses`); what :func:`~fundaudit.columnar.group.diagnose_group`
gives a group depends on nothing but the group's failing relations (in their order), the
tolerance, the language of the words and fundaudit's code. When the columns were joined from
the blocks of the loader's cache (:class:`~fundaudit.columnar.blocks.Joined`), each relation is
a function of its block's key (the file's bytes, path, document and source, and the code:
:func:`fundaudit.loader.cache.key`) and of its row in that block; so a group's key is a
SHA-256 of the keys of the blocks its relations come from, the row of each relation there, in
the group's order, the tolerance, the language, the Python version and fundaudit's code
(:func:`fundaudit.cachefiles.code_digest`: any change to it makes every entry unused). Other
columns (tables, small data) are diagnosed as before, without this cache.

Each group is one entry in ``groups/`` of fundaudit's cache folder
(:func:`fundaudit.cachefiles.folder`; ``FUNDAUDIT_CACHE=off`` turns it off): a head line
repeating the format and the key and carrying a SHA-256 of the rest, the notes of the causes
that could not run (a line of JSON), then the diagnoses as
:func:`~fundaudit.columnar.group.encode` gives them (plain tuples, pickled), read back with an
unpickler that finds no class or function, so that an entry is data, never code. An entry
that is damaged, truncated, stored under another name, holds anything but plain data, or whose
diagnoses do not decode to exactly the group's relations is not used: the group is diagnosed as
if there were none (and stored again). A diagnosis that could not run is never stored. The
folder keeps the :data:`KEEP` most recently used entries (at most :data:`SIZE` bytes) and is
safe to delete.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from fundaudit import cachefiles
from fundaudit.columnar.arrays import Columns, take
from fundaudit.gcpause import paused
from fundaudit.tolerance import Tolerance

FORMAT = 1  # bumped when the entry layout changes
KEEP = 8192  # entries kept: one per state of each group, the most recently used
SIZE = 512 << 20  # the entries kept add up to at most this many bytes
LIMIT = 256 << 20  # an entry larger than this is not read
SUFFIX = "group"
ENTRY = re.compile(r"[0-9a-f]{64}\.group")  # the only files this cache reads, writes or deletes

Result = tuple[bytes, tuple[str, ...]] | str  # a group's encoded diagnoses and notes, or why it could not run


def where() -> Path | None:
    """The folder of this cache (``None``: caching is off)."""
    base = cachefiles.folder()
    return None if base is None else base / "groups"


def keeps(columns: Columns) -> bool:
    """Whether this cache keeps the groups of these columns (on, and columns joined from blocks)."""
    from fundaudit.columnar.blocks import Joined

    return isinstance(columns, Joined) and where() is not None


def keys(columns: Columns, members: list[list[int]], tolerance: Tolerance, lang: str) -> list[str] | None:
    """The key of each group of relation rows (see the module's docstring), or None (columns not from blocks)."""
    from fundaudit.columnar.blocks import Joined

    if not isinstance(columns, Joined) or not members:
        return None
    sizes = np.array([len(g) for g in members], dtype=np.int64)
    rows = np.fromiter((row for group in members for row in group), dtype=np.int64, count=int(sizes.sum()))
    block, local = columns.origin(rows)
    context = [FORMAT, cachefiles.code_digest(), sys.version, repr(tolerance), lang]
    head = hashlib.sha256(json.dumps(context, ensure_ascii=False).encode() + b"\0")
    out = []
    at = 0
    for size in sizes.tolist():
        mine = block[at : at + size]
        seats: dict[int, int] = {}  # the group's blocks, numbered in the order first met
        seat = [seats.setdefault(b, len(seats)) for b in mine.tolist()]
        firsts = list(seats)
        h = head.copy()
        h.update(json.dumps([columns.digests[b] for b in firsts]).encode() + b"\0")
        h.update(np.stack([np.array(seat, dtype=np.int64), local[at : at + size]]).astype("<i8").tobytes())
        out.append(h.hexdigest())
        at += size
    return out


def through(
    columns: Columns,
    members: list[list[int]],
    tolerance: Tolerance,
    compute: Callable[[list[list[int]]], Iterator[Result]],
) -> Iterator[Result]:
    """Each group's result, in group order: from its entry when one is stored, else from ``compute``.

    ``compute(groups)`` gives the results of the groups it is given, in their order; it is
    called once for the groups without an entry, and once more for each group whose entry
    turns out unusable when read.
    """
    from fundaudit.i18n import language

    folder = where()
    digests = None if folder is None else keys(columns, members, tolerance, language())
    if folder is None or digests is None:
        yield from compute(members)
        return
    stored = [(folder / f"{d}.{SUFFIX}").is_file() for d in digests]
    fresh = compute([g for g, has in zip(members, stored, strict=True) if not has])
    # the ids of the relations of the groups stored, read at once (a read per group costs as much as all)
    ids = iter(take(columns.relations.id, [row for g, has in zip(members, stored, strict=True) if has for row in g]))
    wrote = False
    try:
        for group, digest, has in zip(members, digests, stored, strict=True):
            found = _read(folder, digest, [next(ids) for _ in group]) if has else None
            if found is not None:
                yield found
                continue
            result = next(iter(compute([group]))) if has else next(fresh)
            if not isinstance(result, str):
                wrote = cachefiles.write(folder, f"{digest}.{SUFFIX}", _entry(digest, result)) or wrote
            yield result
    finally:
        if wrote:
            cachefiles.prune(folder, ENTRY, KEEP, SIZE)


def _entry(digest: str, result: tuple[bytes, tuple[str, ...]]) -> bytes:
    """The bytes of the entry of a group's result: a head line (format, key, SHA-256 of the rest),
    the notes as a line of JSON, then the encoded diagnoses as they are."""
    data, notes = result
    return cachefiles.seal(FORMAT, digest, json.dumps(list(notes), ensure_ascii=False).encode() + b"\n" + data)


def _read(folder: Path, digest: str, ids: list[str]) -> tuple[bytes, tuple[str, ...]] | None:
    """The result stored under ``digest`` if it is sound and is the diagnoses of the relations ``ids``, else None."""
    sealed = cachefiles.read_sealed(folder, f"{digest}.{SUFFIX}", LIMIT, FORMAT, digest)
    if sealed is None:
        return None
    line, data = sealed
    try:
        notes = cachefiles.whole(line)
        if not isinstance(notes, list) or not all(type(n) is str for n in notes):
            return None
        with paused():  # many small objects, none in a cycle
            loaded = _Plain(io.BytesIO(data)).load()  # plain data only: a global (code) refuses the entry
            if not _sound(loaded, ids):
                return None  # not the diagnoses of these relations, or not in the shape encode() gives
    except Exception:  # whatever a damaged entry raises: not used
        return None
    with contextlib.suppress(OSError):  # used again: kept among the newest
        os.utime(folder / f"{digest}.{SUFFIX}")
    return data, tuple(notes)


_TEXT = (str,)
_FIGURE = (str, str, int, int, str, str, int, str, int, str, int)  # then bound, note, drafted: text or None


def _sound(loaded: Any, ids: list[str]) -> bool:
    """Whether ``loaded`` is what :func:`~fundaudit.columnar.group.encode` gives for the relations ``ids``:
    every field of the type the writers read (a JSON writer joins some of them as they are), every
    culprit a figure of the table, and exactly one diagnosis per relation.

    Checked here, field by field, rather than by building the diagnoses (which would not see a
    number where text belongs), so that an entry whose bytes were forged is refused, not written.
    """
    from fundaudit.causes._base import Applicability
    from fundaudit.findings import SEVERITY_RANK

    if type(loaded) is not tuple or len(loaded) != 2:
        return False
    table, rows = loaded
    if type(table) is not list or type(rows) is not list or len(rows) != len(ids):
        return False
    for fig in table:
        if type(fig) is not tuple or len(fig) != 14:
            return False
        if any(type(x) is not t for x, t in zip(fig, _FIGURE, strict=False)):
            return False
        if any(x is not None and type(x) is not str for x in fig[11:]):
            return False
    size = len(table)
    kinds = {int(a) for a in Applicability}
    seen = set()
    for row in rows:
        if type(row) is not tuple or len(row) != 9:
            return False
        rid, cause, severity, root, text, culprits, explains, applicability, corrections = row
        if not all(type(x) is str for x in (rid, cause, severity, root, text)) or severity not in SEVERITY_RANK:
            return False
        if type(culprits) is not tuple or type(explains) is not tuple or not all(type(x) is str for x in explains):
            return False
        for c in culprits:
            if type(c) is not tuple or len(c) != 2 or type(c[0]) is not int or not 0 <= c[0] < size:
                return False
            if c[1] is not None and type(c[1]) is not str:
                return False
        if type(applicability) is not int or applicability not in kinds or type(corrections) is not int:
            return False
        seen.add(rid)
    return seen == set(ids)


class _Plain(pickle.Unpickler):
    """An unpickler of plain data (tuples, lists, text, numbers, booleans, None): it finds no
    class or function, so that nothing in an entry can be called (see "Restricting Globals"
    in the documentation of :mod:`pickle`)."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")
