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
(:func:`fundaudit.cachefiles.folder`; ``FUNDAUDIT_CACHE=off`` turns it off): its first line
repeats the format and the key and carries a SHA-256 of the rest, which is JSON (never
pickle: a cache file is data, not code) — the diagnoses' encoded tuples as arrays of text,
whole numbers, true/false and null, and the notes of the causes that could not run. An entry
that is damaged, truncated, stored under another name, not of this shape, or whose diagnoses
do not decode to exactly the group's relations is not used: the group is diagnosed as if there
were none (and stored again). A diagnosis that could not run is never stored. The folder keeps
the :data:`KEEP` most recently used entries (at most :data:`SIZE` bytes) and is safe to delete.
"""

from __future__ import annotations

import contextlib
import hashlib
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
from fundaudit.tolerance import Tolerance

FORMAT = 1  # bumped when the entry layout changes
KEEP = 8192  # entries kept: one per state of each group, the most recently used
SIZE = 512 << 20  # the entries kept add up to at most this many bytes
LIMIT = 256 << 20  # an entry larger than this is not read
ENTRY = re.compile(r"[0-9a-f]{64}\.json")  # the only files this cache reads, writes or deletes

Result = tuple[bytes, tuple[str, ...]] | str  # a group's encoded diagnoses and notes, or why it could not run


def where() -> Path | None:
    """The folder of this cache (``None``: caching is off)."""
    base = cachefiles.folder()
    return None if base is None else base / "groups"


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
    stored = [(folder / f"{d}.json").is_file() for d in digests]
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
                data = _entry(digest, result)
                wrote = (data is not None and cachefiles.write(folder, f"{digest}.json", data)) or wrote
            yield result
    finally:
        if wrote:
            cachefiles.prune(folder, ENTRY, KEEP, SIZE)


def _entry(digest: str, result: tuple[bytes, tuple[str, ...]]) -> bytes | None:
    """The bytes of the entry of a group's result, or None (something in it that JSON does not hold as it is)."""
    data, notes = result
    try:
        body = json.dumps(
            {"notes": list(notes), "diagnoses": _plain(pickle.loads(data))},  # our own bytes, made in this run
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
    except (TypeError, ValueError, RecursionError):
        return None
    return json.dumps([FORMAT, digest, hashlib.sha256(body).hexdigest()]).encode() + b"\n" + body


def _read(folder: Path, digest: str, ids: list[str]) -> tuple[bytes, tuple[str, ...]] | None:
    """The result stored under ``digest`` if it is sound and is the diagnoses of the relations ``ids``, else None."""
    from fundaudit.columnar.group import decode

    raw = cachefiles.read(folder, f"{digest}.json", LIMIT)
    if raw is None:
        return None
    head, _, body = raw.partition(b"\n")
    try:
        if json.loads(head) != [FORMAT, digest, hashlib.sha256(body).hexdigest()]:
            return None
        stored = json.loads(body, parse_float=_refuse, parse_constant=_refuse)
        notes = stored["notes"]
        if not isinstance(notes, list) or not all(type(n) is str for n in notes):
            return None
        data = pickle.dumps(_tuples(stored["diagnoses"]), protocol=pickle.HIGHEST_PROTOCOL)
        if set(decode(data)) != set(ids):
            return None  # not the diagnoses of these relations
    except Exception:  # whatever a damaged entry raises: not used
        return None
    with contextlib.suppress(OSError):  # used again: kept among the newest
        os.utime(folder / f"{digest}.json")
    return data, tuple(notes)


def _plain(value: object) -> object:
    """Tuples and lists of text, whole numbers, booleans and None as JSON arrays; anything else refused."""
    if value is None or type(value) in (str, int, bool):
        return value
    if type(value) in (tuple, list):
        return [_plain(v) for v in value]  # type: ignore[attr-defined]
    raise TypeError(f"not kept in a cache entry: {type(value).__name__}")


def _tuples(value: Any) -> object:
    """:func:`_plain` undone: every array a tuple; anything but text, whole numbers, booleans and null refused."""
    if value is None or type(value) in (str, int, bool):
        return value
    if type(value) is list:
        return tuple(_tuples(v) for v in value)
    raise ValueError("not an entry of this cache")


def _refuse(text: str) -> Any:
    raise ValueError(f"not a whole number: {text}")
