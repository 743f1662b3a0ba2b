"""A large data set's check input straight from the cache: its columns, without the model.

For ``fundaudit check``: when the included files of an entry file add up to :data:`LARGE`
bytes and the cache is on, each included file is taken as its *block*
(:mod:`fundaudit.columnar.blocks`: its figures and the relations the rules derive from it,
in Arrow columns, stored beside its cache entry) and the blocks are laid end to end into the
:class:`~fundaudit.columnar.arrays.Columns` the engine judges: no figure, node or relation
object is made. A file not in the cache is read from its YAML as usual and its block made
and stored. The model (:class:`~fundaudit.model.Budget`) is loaded only if something asks
for it (the text report does), by :func:`fundaudit.loader.load`.

This holds only for data whose every check can be made on what the blocks keep, and the
way is taken only when it is certain to give what the usual way gives (the same Columns,
no error):

- the entry file is read as usual (every error of it is found), and its documents hold no
  programs of their own, only ``include:`` (no ``links:``, no ``relations:`` anywhere);
- every rule is one of :data:`LOCAL` (its relations come from one program at a time) or of
  :data:`DECLARED` (relations only from ``relations:`` and ``links:``, of which there are none);
- each file's figures are all under its own programs (``doc::program…``), so that two
  files' figures never share a reference while their programs' ids differ; their amounts and
  lines fit int64, and the rules add no figure of their own (a share's 100 %);
- the checks that look across a document's files (a program id used twice, funding-source
  names, :func:`fundaudit.loader.sources.sources_hold`) find nothing.

Anything else, and any error, and the data is read the usual way, which says what is wrong:
a file whose block says it has none (``UNFIT``) sends the check there at once.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import yaml

from fundaudit.errors import InvalidData
from fundaudit.gcpause import paused
from fundaudit.loader import cache, parallel
from fundaudit.loader.cache import Light, NotLight, Part
from fundaudit.loader.context import _Ctx, _display, _read
from fundaudit.loader.sources import sources_of
from fundaudit.model import Budget, Declared, Document, Figure, Loc
from fundaudit.yamlnodes import Limits

if TYPE_CHECKING:
    from fundaudit.columnar import resultcache
    from fundaudit.columnar.arrays import Columns
    from fundaudit.columnar.blocks import Block
    from fundaudit.tolerance import Tolerance

LARGE = 8 << 20  # bytes of included YAML (about 150,000 figures) from which blocks are used
LOCAL = frozenset(
    {
        "foot",
        "cross-foot",
        "column-foot",
        "schedule",
        "shares",
        "table-foot",
        "table-cross-foot",
        "table-schedule",
        "unit-cost",
    }
)
DECLARED = frozenset({"stated-sum", "repeat", "cross-document"})


def audit_input(
    path: str | Path, limits: Limits | None = None, large: int | None = None
) -> tuple[Columns, Budget] | None:
    """The Columns of the data at ``path`` and its model (loaded when first used), or None.

    None: take the usual way (:func:`fundaudit.loader.load`, then the rules), for any reason
    the module's docstring lists, or any error. Raises :class:`InvalidData`, as
    :func:`~fundaudit.loader.load` would, when every included file was read from its YAML (no
    block was used, so that the errors are those of the usual way) and the data has errors.
    """
    limits = limits or Limits()
    for _attempt in range(2):
        got = gather(path, limits, large)
        if got is None:
            return None
        if not got.damaged():  # (a block whose tables are damaged is deleted: read again, it is made anew)
            break
    else:
        return None
    from fundaudit.columnar.blocks import join

    try:
        columns = join(got.display, got.documents, got.blocks, got.digests)
    except Exception:  # blocks that do not fit together, for a reason not foreseen: read as usual
        return None
    entry = Path(path)
    return columns, Later(got.display, lambda: _model(entry, limits))


@dataclass(frozen=True, eq=False)
class Gathered:
    """The blocks of a large data set's included files, in order (see :func:`gather`)."""

    display: str  # the entry file, as shown
    documents: int
    blocks: list[Block]
    digests: list[str]  # each block's key (:func:`fundaudit.loader.cache.key`)
    folder: Path

    def damaged(self) -> bool:
        """Whether a block's tables are damaged; each such block entry is deleted."""
        bad = []
        for block, digest in zip(self.blocks, self.digests, strict=True):
            try:
                block.tables()
            except Exception:  # whatever the damaged tables raise
                bad.append(digest)
        for digest in bad:
            cache.forget_block(self.folder, digest)
        return bool(bad)


def gather(path: str | Path, limits: Limits | None = None, large: int | None = None) -> Gathered | None:
    """The blocks of the data at ``path``, its tables read only when asked for, or None (see :func:`audit_input`)."""
    from fundaudit.loader import _documents
    from fundaudit.rules import REGISTRY
    from fundaudit.runner import SMALL

    folder = cache.where()
    entry = Path(path)
    if folder is None or not entry.is_file() or not {r.id for r in REGISTRY} <= LOCAL | DECLARED:
        return None
    limits = limits or Limits()
    with paused():
        read: list[Light | tuple[str, Part, str, str]] = []  # the included files, in order
        ctx = _Ctx(limits, cache=folder, light=read)
        display = _display(entry)
        root = _read(ctx, entry, display)
        if not isinstance(root, yaml.MappingNode) or ctx.errors:
            return None
        if any(not isinstance(k, yaml.ScalarNode) or k.value not in ("fundaudit", "documents") for k, _v in root.value):
            return None  # links, or an error: read as usual
        planned = parallel._plan(entry, root)
        if parallel._size(p for p, _display, _doc, _source in planned) < (LARGE if large is None else large):
            return None
        ahead = parallel.prepare(ctx, entry, root, planned)
        try:
            budget = _documents(ctx, entry, display, root)
        except NotLight:
            _unfit(ctx, folder)
            return None
        except InvalidData:
            _unfit(ctx, folder)
            if any(isinstance(item, Light) for item in read):
                return None  # the usual way finds the errors the blocks hide
            raise  # every file was read from its YAML: these are the usual way's errors
        finally:
            ahead.close()
        made = list(_blocks(ctx, folder))  # made and stored, so that the next check knows at once
        blocks = [b for b, _digest in made]
        if budget.links or any(d.relations for d in budget.documents) or len(read) != len(planned):
            return None  # (every file the documents include is one block, in their order)
        if any(b is None for b in blocks) or not blocks:
            return None
        ids = tuple(r.id for r in REGISTRY)
        found = [b for b in blocks if b is not None]
        if any(b.rules != ids for b in found) or sum(sum(b.counts) for b in found) < SMALL:
            return None
    return Gathered(display, len(budget.documents), found, [digest for _b, digest in made], folder)


def _model(entry: Path, limits: Limits) -> Budget:
    from fundaudit.loader import load

    return load(entry, limits)


def _blocks(ctx: _Ctx, folder: Path) -> Iterator[tuple[Block | None, str]]:
    """The block of each included file in order (None: one has none, and is marked so), with its key."""
    made: list[tuple[str, bytes]] = []
    try:
        for item in ctx.light or ():
            if isinstance(item, Light):
                yield item.block, item.digest
                continue
            digest, part, doc, source = item
            try:
                body = block_of(part, doc, source)
            except Exception:  # a file the blocks cannot hold for a reason not foreseen: read as usual
                body = cache.UNFIT
            made.append((digest, cache.block_entry(digest, body)))
            if body == cache.UNFIT:
                yield None, digest
                continue
            from fundaudit.columnar.blocks import decode

            yield decode(body), digest
    finally:
        cache.write_blocks(folder, made + ctx.blocks)


def _unfit(ctx: _Ctx, folder: Path) -> None:
    """Mark the files read here that hold ``relations:`` or ``links:`` as having no block."""
    cache.write_blocks(
        folder,
        [
            (item[0], cache.block_entry(item[0], cache.UNFIT))
            for item in ctx.light or ()
            if not isinstance(item, Light) and (item[1].relations is not None or item[1].links is not None)
        ],
    )


def block_of(part: Part, doc: str, source: str) -> bytes:
    """The block of an included file of document ``doc`` (:func:`~fundaudit.columnar.blocks.encode`), or UNFIT."""
    from fundaudit.columnar.arrays import from_relations
    from fundaudit.columnar.blocks import encode, fits
    from fundaudit.rules import REGISTRY

    if part.relations is not None or part.links is not None or not _scoped(part, doc) or not part.programs:
        return cache.UNFIT
    display = part.programs[0].yaml.file
    document = Document(doc, source, "", None, None, part.programs, (), Loc(display, 1))
    budget = Budget(display, (document,), (), part.figures)
    relations = []
    counts = []
    for rule in REGISTRY:
        if rule.id not in LOCAL | DECLARED:
            return cache.UNFIT
        try:
            derived = list(rule.derive(budget))
        except Exception:  # a rule that crashes is a finding: the usual way words it
            return cache.UNFIT
        relations.extend(derived)
        counts.append(len(derived))
    cols = from_relations(display, 1, part.figures, relations)
    if len(cols.figures) != len(part.figures) or not fits(cols):
        return cache.UNFIT
    meta = {"programs": [[p.id, p.yaml.line] for p in part.programs], "sources": sources_of(part.programs)}
    meta["file"] = display
    return encode(cols, [r.id for r in REGISTRY], counts, meta)


def _scoped(part: Part, doc: str) -> bool:
    """Whether every figure of the part is under one of its programs: ``doc::<program id>`` then ``/`` or ``:``."""
    ids = {p.id for p in part.programs}
    head = f"{doc}::"
    for fig in part.figures:
        ref = fig.ref
        if not ref.startswith(head):
            return False
        rest = ref[len(head) :]
        cut = min((i for i in (rest.find("/"), rest.find(":")) if i >= 0), default=-1)
        if cut <= 0 or rest[:cut] not in ids:
            return False
    return True


class Later(Budget):
    """A :class:`Budget` loaded when first used (its path is known at once)."""

    __slots__ = ("_load", "_made")
    _load: Callable[[], Budget]
    _made: Budget | None

    def __init__(self, path: str, load: Callable[[], Budget]) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_load", load)
        object.__setattr__(self, "_made", None)

    def _model(self) -> Budget:
        made: Budget | None = self._made
        if made is None:
            made = self._load()
            object.__setattr__(self, "_made", made)
        return made

    @property
    def documents(self) -> tuple[Document, ...]:
        return self._model().documents

    @property
    def links(self) -> tuple[Declared, ...]:
        return self._model().links

    @property
    def figures(self) -> tuple[Figure, ...]:
        return self._model().figures


def quick_check(path: Path, tolerance: Tolerance, fmt: str, show_all: bool, fail_on: str, out: TextIO) -> bool | None:
    """``fundaudit check PATH --format json`` (or ``jsonl``) from each file's outcome, or None: take the usual way.

    For a large data set whose every file has a block (:func:`gather`): each file's share of the
    output is read from :mod:`fundaudit.columnar.resultcache`, or made from its block (and
    stored) when it has none — after an edit, the edited file's only. The document is the one
    :mod:`fundaudit.report.jsonout` writes: the head, then the files' findings in the order of
    their paths. Returns whether a finding has severity ``fail_on`` or worse (the exit code).
    Any error, and None: the usual way says what is wrong.
    """
    from fundaudit import cachefiles
    from fundaudit.columnar import resultcache

    if fmt not in ("json", "jsonl") or fail_on not in resultcache.LEVELS:
        return None
    with cachefiles.batched():  # each cache folder pruned once, at the end
        return _quick(path, tolerance, fmt, show_all, fail_on, out)


def _quick(path: Path, tolerance: Tolerance, fmt: str, show_all: bool, fail_on: str, out: TextIO) -> bool | None:
    from fundaudit.columnar import resultcache
    from fundaudit.i18n import language

    folder = resultcache.where()
    try:
        got = gather(path)
    except InvalidData:
        return None
    if got is None or folder is None:
        return None
    files = [b.meta.get("file") for b in got.blocks]
    if len(set(files)) != len(files):
        return None  # a file included twice: its relations are one group of diagnoses
    lang = language()
    keys = [resultcache.key(d, tolerance, lang, show_all) for d in got.digests]
    outcomes: list[tuple[str, resultcache.Outcome]] = []
    made: list[tuple[str, resultcache.Outcome]] = []
    try:
        for block, digest, key, file in zip(got.blocks, got.digests, keys, files, strict=True):
            found = resultcache.read(folder, key)
            if found is None:
                try:
                    found = resultcache.outcome(block, digest, tolerance, show_all)
                except ValueError:  # its tables are damaged: made again by the usual way
                    cache.forget_block(got.folder, digest)
                    return None
                if found is None:
                    return None
                made.append((key, found))
            outcomes.append((str(file), found))
    finally:
        resultcache.write(folder, made)
    outcomes.sort(key=lambda pair: pair[0])  # findings by file (then line and id, within each)
    shown = [o.texts for _file, o in outcomes if o.shown]
    if fmt == "jsonl":
        _write(out, [text.replace(resultcache.SEPARATOR, b"\n") + b"\n" for text in shown])
    else:
        pieces = [resultcache.SEPARATOR] * (2 * len(shown) - 1) if shown else []
        pieces[::2] = shown
        listed = [b"[\n    ", *pieces, b"\n  ]\n}\n"] if shown else [b"[]\n}\n"]
        _write(out, [_head(got, tolerance, [o for _file, o in outcomes]), *listed])
    level = resultcache.LEVELS.index(fail_on)
    return any(o.fails[level] for _file, o in outcomes)


def _head(got: Gathered, tolerance: Tolerance, outcomes: list[resultcache.Outcome]) -> bytes:
    """The JSON document (:func:`fundaudit.report.jsonout.write`) up to its first result, with its summary."""
    import json

    from fundaudit.findings import VERDICT_CODE
    from fundaudit.report.jsonout import SCHEMA_VERSION

    counts = [sum(o.counts[i] for o in outcomes) for i in range(len(VERDICT_CODE))]
    summary = {
        "documents": got.documents,
        "figures": sum(o.figures for o in outcomes),
        "relations": sum(counts),
        **{v.value: counts[i] for v, i in VERDICT_CODE.items()},
    }
    head = {"version": SCHEMA_VERSION, "data": got.display, "tolerance": tolerance.policy.value, "summary": summary}
    text = json.dumps(head, ensure_ascii=False, indent=2)[:-2]  # without the closing "\n}"
    return f'{text},\n  "results": '.encode()


def _write(out: TextIO, pieces: list[bytes]) -> None:
    """The pieces (UTF-8) one after the other, as bytes when ``out`` takes them in UTF-8 with
    lines ended by "\n" (decoding the findings' text costs as much as all the rest), else as text.

    ``out`` takes bytes through its ``write_bytes`` (the command line's standard output, which
    reports a failed write as it reports one of text) or, when it is a plain text stream, its
    ``buffer``.
    """
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    write = getattr(out, "write_bytes", None)
    if write is None and type(out) is io.TextIOWrapper:
        out.flush()
        write = out.buffer.write
    if write is None or encoding != "utf8" or os.linesep != "\n":
        for piece in pieces:
            out.write(piece.decode("utf-8"))
        return
    for piece in pieces:
        write(piece)
    out.flush()
