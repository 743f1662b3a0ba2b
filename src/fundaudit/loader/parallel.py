"""Included files read ahead, in worker processes and in this one, while the entry file is read in order.

Before the documents are read, the files their ``include:`` names are listed (a quick look at
the entry file that reports nothing: the documents are then read as usual and say what is
wrong). When the files not in the cache add up to :data:`PARALLEL` bytes or more, worker
processes (see :func:`_workers`: one per idle core but one, or as ``$FUNDAUDIT_JOBS`` says;
only for the command line or when ``$FUNDAUDIT_JOBS`` asks, see
:func:`fundaudit.columnar.group.allow_workers`) read them from the first on, while this process
reads them from the last on (each file is claimed by one, see :func:`_claim`). A worker builds
each file's part and sends the entry it would have in the cache (:mod:`fundaudit.loader.cache`)
or, with the cache off, the plain values of that entry (lists, text and whole numbers, which
the pool pickles at C speed): this process makes the part's objects from them a column at a
time (:mod:`fundaudit.loader.adopt`), in about a quarter of the time it takes to read the file
itself, so the workers build the model too. A file read ahead is used only for the bytes,
document, path, limits and language it was read for (its cache key), once, and only when it
was read without a single error; anything else is read again in the usual way, where every
error is found. The model is the same, and so is every error, whether files are read ahead or
not, and when a worker dies (its files are read here).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

import yaml

from fundaudit.gcpause import paused
from fundaudit.i18n import language, using
from fundaudit.loader import cache, canonical
from fundaudit.loader.cache import Light, Part
from fundaudit.loader.context import _compose, _Ctx, _display
from fundaudit.loader.documents import _inside, read_part
from fundaudit.yamlnodes import Limits, Unreadable, read_limited

PARALLEL = 2 << 20  # bytes of included YAML to read (about 40,000 figures) from which workers start


class Ahead:
    """The worker processes reading ahead; :meth:`close` ends them."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def prepare(
    ctx: _Ctx, entry: Path, root: yaml.Node | None, planned: list[tuple[Path, str, str, str]] | None = None
) -> Ahead:
    """Start reading ahead the included files of the entry file ``entry`` (composed: ``root``;
    ``planned``: its :func:`_plan`, when the caller has it)."""
    ahead = Ahead()
    planned = _plan(entry, root) if planned is None else planned
    if _size(p for p, _display, _doc, _source in planned) < PARALLEL or not _workers():
        return ahead
    todo: list[tuple[str, bytes, Path, str, str, str]] = []
    total = 0
    for path, display, doc, source in planned:
        try:
            data = read_limited(path, ctx.limits.max_bytes)
        except Unreadable:
            continue
        digest = cache.key(data, display, doc, source, ctx.limits)
        if digest in {t[0] for t in todo} or (ctx.cache is not None and (ctx.cache / f"{digest}.json").is_file()):
            continue  # read twice or in the cache: the usual way
        todo.append((digest, data, path, display, doc, source))
        total += len(data)
    workers = _workers() if total >= PARALLEL and len(todo) > 1 else 0
    if not workers:
        return ahead
    lang = language()
    plain = ctx.cache is None and ctx.light is None  # nothing to store: the part's plain values, no entry
    try:
        spawn = multiprocessing.get_context("spawn")
        claims = spawn.Array("b", len(todo))  # who reads each file: see _claim
        ahead.pool = ProcessPoolExecutor(workers, mp_context=spawn, initializer=_share, initargs=(claims,))
        light = ctx.light is not None
        futures: list[Future[Any]] = [
            ahead.pool.submit(_build, at, str(path), display, doc, source, ctx.limits, lang)
            if plain
            else ahead.pool.submit(_work, at, str(path), display, doc, source, ctx.limits, lang, light)
            for at, (_digest, _data, path, display, doc, source) in enumerate(todo)
        ]
    except (OSError, RuntimeError):
        ahead.close()
        return ahead
    for (digest, _data, _path, display, _doc, source), future in zip(todo, futures, strict=True):
        ctx.prepared[digest] = (
            _from_builder(future, digest, display, source) if plain else _from_worker(future, digest, display, source)
        )
    for at in reversed(range(len(todo))):  # from the last file on, until one a worker has
        if not _claim(claims, at, _HERE):
            break
        digest, data, _path, display, doc, source = todo[at]
        ctx.prepared[digest] = _here(_read(ctx.limits, data, display, doc, source))
    return ahead


# Which process reads each file read ahead: an array shared with the workers, a byte a file. A file
# is claimed once (under the array's lock): by a worker when its task starts, by this process from
# the last file on. A worker's task for a file this process claimed ends at once (nothing sent), so no
# task is ever cancelled: Python 3.11's pool, when a worker dies, fails on a cancelled task in its
# own thread (a traceback on stderr).
_FREE, _WORKER, _HERE = 0, 1, 2
_CLAIMS: Any = None  # in a worker: the array (see _share)


def _share(claims: Any) -> None:
    """In a worker, once: the array of claims."""
    global _CLAIMS
    _CLAIMS = claims


def _claim(claims: Any, at: int, who: int) -> bool:
    """Claim file ``at`` for ``who``; False: claimed already (or the lock is not had within a second:
    a process killed while holding it)."""
    lock = claims.get_lock()
    if not lock.acquire(timeout=1.0):
        return False
    try:
        if claims[at] != _FREE:
            return False
        claims[at] = who
        return True
    finally:
        lock.release()


def _here(part: Part | None) -> Callable[[], tuple[Part | Light, bytes | None, bytes | None] | None]:
    def done() -> tuple[Part | Light, bytes | None, bytes | None] | None:
        return None if part is None else (part, None, None)

    return done


def _from_worker(
    future: Future[tuple[str, bytes, bytes | None] | None], digest: str, display: str, source: str
) -> Callable[[], tuple[Part | Light, bytes | None, bytes | None] | None]:
    """The part a worker read, its cache entry and (with the blocks of fundaudit.loader.fast) its block entry.

    With a block, the part is the block (a Light part; ``Light(None)``: the file has none), not
    read from the entry.
    """

    def done() -> tuple[Part | Light, bytes | None, bytes | None] | None:
        made = _result(future, digest)
        if made is None:
            return None
        light = None if made[2] is None else cache.parse_block(made[2], digest)
        if light is not None:
            return light, made[1], made[2]
        part = cache.parse(made[1], digest, display, source)
        return None if part is None else (part, made[1], None)

    return done


def _from_builder(
    future: Future[tuple[str, Any] | None], digest: str, display: str, source: str
) -> Callable[[], tuple[Part | Light, bytes | None, bytes | None] | None]:
    """The part a worker built and sent as the plain values of its cache entry (:func:`cache.encode`), or None."""

    def done() -> tuple[Part | Light, bytes | None, bytes | None] | None:
        made = _result(future, digest)
        part = None if made is None or made[1] is None else cache.decode(made[1], display, source)
        return None if part is None else (part, None, None)

    return done


_R = TypeVar("_R", bound=tuple[Any, ...])


def _result(future: Future[_R | None], digest: str) -> _R | None:
    """What a worker sent for the file of key ``digest``; None: nothing usable (it failed, or read other bytes)."""
    try:
        made = future.result()
    except (OSError, BrokenProcessPool):
        return None
    return made if made is not None and made[0] == digest else None


def _size(paths: Iterable[Path]) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


def _workers() -> int:
    """Worker processes to start beside this one.

    ``$FUNDAUDIT_JOBS=N``: N processes in all (1: none), at most one per core this process may
    use. Else (the command line only) one per core that is idle now but this process's: the
    cores less the load average. A worker that has to share a core with other work only adds
    its start and the passing of its files to the time (10^5 figures in 20 files: 1.66 s in one
    process, 2.3 s with one worker, on 2 cores that other work kept 40 % busy).
    """
    from fundaudit.columnar.group import workers_allowed

    text = os.environ.get("FUNDAUDIT_JOBS", "")
    if not text and not workers_allowed():  # a library caller's main module would run again in each
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if text:
        wanted = int(text) if text.isdigit() and 0 < len(text) < 4 else cores
        return max(0, min(wanted, cores) - 1)
    try:
        busy = os.getloadavg()[0]
    except OSError:  # not known here: as if every core were busy
        busy = cores
    return max(0, min(cores - 1, int(cores - busy)))


def _plan(entry: Path, root: yaml.Node | None) -> list[tuple[Path, str, str, str]]:
    """The included files the entry file names: path, shown path, document and source (errors ignored)."""
    out: list[tuple[Path, str, str, str]] = []
    if not isinstance(root, yaml.MappingNode):
        return out
    top = entry.parent.resolve()
    cwd = Path.cwd().resolve()
    for key, value in root.value:
        if key.value != "documents" or not isinstance(value, yaml.SequenceNode):
            continue
        for doc in value.value:
            if not isinstance(doc, yaml.MappingNode):
                continue
            f = {k.value: v for k, v in doc.value if isinstance(k, yaml.ScalarNode)}
            doc_id, source, include = f.get("id"), f.get("source"), f.get("include")
            if not (
                isinstance(doc_id, yaml.ScalarNode)
                and isinstance(source, yaml.ScalarNode)
                and isinstance(include, yaml.SequenceNode)
                and _inside(source.value)
            ):
                continue
            for inc in include.value:
                if not isinstance(inc, yaml.ScalarNode):
                    continue
                try:
                    path = (entry.parent / inc.value).resolve()
                except (OSError, RuntimeError, ValueError):
                    continue
                if path.is_relative_to(top):
                    out.append((path, _display(path, cwd), doc_id.value, source.value))
    return out


def _read(limits: Limits, data: bytes, display: str, doc: str, source: str) -> Part | None:
    """The part of document ``doc`` that the bytes of an included file give, or None (an error in it)."""
    quick = canonical.read(data, display, doc, source, limits)
    if quick is not None:  # no error in it but, perhaps, a figure given twice
        unique = len({f.ref for f in quick.figures}) == len(quick.figures)
        return quick if unique and cache.storable(quick) else None
    ctx = _Ctx(limits)
    root = _compose(ctx, data, display)
    if not isinstance(root, yaml.MappingNode):
        return None
    part = read_part(ctx, display, root, doc, source)
    part = Part(part.programs, tuple(ctx.figures), part.relations, part.links)
    return part if not ctx.errors and cache.storable(part) else None


def _build(
    at: int, path: str, display: str, doc: str, source: str, limits: Limits, lang: str
) -> tuple[str, Any] | None:
    """In a worker: the cache key of included file ``at`` and its part as the plain values of a cache entry.

    None: unreadable, or read by the main process; ``(key, None)``: an error in it.
    """
    if _CLAIMS is not None and not _claim(_CLAIMS, at, _WORKER):
        return None
    with using(lang), paused():
        try:
            data = read_limited(path, limits.max_bytes)
        except Unreadable:
            return None
        digest = cache.key(data, display, doc, source, limits)
        part = _read(limits, data, display, doc, source)
        return digest, None if part is None else cache.encode(part)


def _work(
    at: int, path: str, display: str, doc: str, source: str, limits: Limits, lang: str, light: bool = False
) -> tuple[str, bytes, bytes | None] | None:
    """In a worker: the cache key, entry and (``light``) block entry of included file ``at``.

    None: unreadable, read by the main process, or an error in it.
    """
    if _CLAIMS is not None and not _claim(_CLAIMS, at, _WORKER):
        return None
    with using(lang), paused():
        try:
            data = read_limited(path, limits.max_bytes)
        except Unreadable:
            return None
        digest = cache.key(data, display, doc, source, limits)
        part = _read(limits, data, display, doc, source)
        if part is None:
            return None
        block = None
        if light:
            from fundaudit.loader.fast import block_of

            block = cache.block_entry(digest, block_of(part, doc, source))
        return digest, cache.entry(digest, part), block
