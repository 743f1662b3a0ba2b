"""A cache of each included YAML file as loaded, so that a check after editing one file reads only that one.

An included file (``include:`` of a document) is loaded into its programs, their figures in
the order they were read, and its ``relations:`` and ``links:`` as YAML nodes (these are
resolved against every file's figures, so they are kept as written, with their lines). After a
load without a single error, each included file read from YAML is stored as one entry; a
later load of the same bytes, in the same document, under the same path, limits and language,
with the same fundaudit code, takes the entry instead of composing and reading the YAML.

The key is a SHA-256 of all of that (the file's bytes themselves, :func:`key`); the entry
repeats the key and carries a SHA-256 of its own payload, so a damaged, truncated or edited
entry, or one stored under another name, is not used: the file is read from its YAML as if
there were no entry. Entries are JSON, compressed (never pickle: a cache file is data, not code) with
whole numbers only (a float in an entry refuses it: a stated amount never passes through
one). Figures come back as new objects with the same digits, units, lines and order, and go
through the same duplicate checks as figures read from YAML, so the model and every error are
the same with the cache, without it and with it off (``FUNDAUDIT_CACHE=off``). The folder
is ``yaml/`` in fundaudit's cache folder (:func:`fundaudit.cachefiles.folder`: never beside
the data), keeps the :data:`KEEP` most recently used entries (at most :data:`SIZE` bytes) and
is safe to delete.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import re
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from fundaudit import cachefiles
from fundaudit.i18n import language
from fundaudit.loader import adopt
from fundaudit.model import Column, Figure, Loc, Node, Row, Schedule, Shares, SplitEntry, Table, TableSpec
from fundaudit.numbers import Written
from fundaudit.units import Unit, parse_unit
from fundaudit.yamlnodes import Limits

if TYPE_CHECKING:
    from fundaudit.columnar.blockhead import Block

FORMAT = 6  # bumped when the entry layout changes
KEEP = 4096  # entries kept: one per state of each included file, the most recently used
ENTRY = re.compile(r"[0-9a-f]{64}\.(?:json|arrow)")  # the only files this cache reads, writes or deletes
LIMIT = 1 << 30  # an entry larger than this is not read (about 1.5 times its YAML file)
SIZE = 2 << 30  # the entries kept add up to at most this many bytes


@dataclass(frozen=True, slots=True)
class Part:
    """One included file as loaded: what a document takes from it."""

    programs: tuple[Node, ...]
    figures: tuple[Figure, ...]  # every figure of the programs, in the order the loader read them
    relations: yaml.Node | None
    links: yaml.Node | None


@dataclass(frozen=True, eq=False)
class Light:
    """An included file as its block (:mod:`fundaudit.columnar.blocks`) has it: columns, no objects.

    ``block`` is None when the file cannot be read that way (see :mod:`fundaudit.loader.fast`);
    ``digest`` is the file's key (:func:`key`), which says everything the block was made of.
    """

    block: Block | None
    digest: str = ""


class NotLight(Exception):
    """The data cannot be read as blocks (:mod:`fundaudit.loader.fast`): read it as usual."""


UNFIT = b"unfit"  # the body of a block entry of a file that has no block


def where() -> Path | None:
    """The folder of this cache (``None``: caching is off)."""
    base = cachefiles.folder()
    return None if base is None else base / "yaml"


def key(data: bytes, display: str, doc: str, source: str, limits: Limits) -> str:
    """The key of a file's bytes as loaded at ``display`` in document ``doc`` (source ``source``)."""
    h = hashlib.sha256()
    context = (
        FORMAT,
        cachefiles.code_digest(),
        yaml.__version__,
        sys.version,
        unicodedata.unidata_version,
        language(),
        limits.max_bytes,
        limits.max_depth,
        limits.max_scalar,
        display,
        doc,
        source,
    )
    h.update(json.dumps(context, ensure_ascii=False).encode())
    h.update(b"\0")
    h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def read(folder: Path | None, digest: str, display: str, source: str) -> Part | None:
    """The part stored under ``digest`` (its figures at ``display`` and ``source``), or ``None``."""
    raw = cachefiles.read(folder, f"{digest}.json", LIMIT)
    if raw is None:
        return None
    part = parse(raw, digest, display, source)
    if part is not None:
        with contextlib.suppress(OSError):  # used again: kept among the newest
            os.utime(folder / f"{digest}.json")  # type: ignore[operator]
    return part


def parse(raw: bytes, digest: str, display: str, source: str) -> Part | None:
    """The part an entry's bytes state, or ``None`` (damaged, or made under another key)."""
    body = _inflate(cachefiles.unseal(raw, FORMAT, digest))
    if body is None:
        return None
    try:
        stated = cachefiles.whole(body)
    except (ValueError, RecursionError):
        return None
    return decode(stated, display, source)


def encode(part: Part) -> dict[str, Any]:
    """What an entry states of ``part``, as plain lists, text and whole numbers (see :func:`decode`)."""
    return _encode(part)


def decode(stated: Any, display: str, source: str) -> Part | None:
    """The part that ``stated`` (from :func:`encode`, read from an entry or sent by a worker) gives, or ``None``."""
    try:
        return _decode(stated, display, source)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def entry(digest: str, part: Part) -> bytes:
    """The bytes of the entry of ``part`` under ``digest``."""
    stated = json.dumps(_encode(part), ensure_ascii=False, separators=(",", ":")).encode()
    return cachefiles.seal(FORMAT, digest, zlib.compress(stated, 1))


# An entry's JSON is stored compressed (zlib, its fastest level: about a sixth of the size, 0.2 s a
# million figures to inflate), and a block's tables likewise (zstd, through Arrow, which reads them):
# at 10^7 figures the entries fit the cache's SIZE.
INFLATED = LIMIT  # bytes an entry or a block's tables may inflate to (as before they were compressed); more refuses it


def _inflate(body: bytes | None) -> bytes | None:
    """The JSON of an entry's ``body`` (see :func:`entry`), or None (damaged, or too large)."""
    if body is None:
        return None
    unpack = zlib.decompressobj()
    try:
        out = unpack.decompress(body, INFLATED)
    except zlib.error:
        return None
    return out if unpack.eof and not unpack.unconsumed_tail and not unpack.unused_data else None


def write(folder: Path | None, entries: list[tuple[str, bytes]]) -> None:
    """Store each entry (see :func:`entry`) under its key; any failure is passed over."""
    if folder is None or not entries:
        return
    wrote = False
    for digest, data in entries:
        wrote = cachefiles.write(folder, f"{digest}.json", data) or wrote
    if wrote:
        cachefiles.prune(folder, ENTRY, KEEP, SIZE)


def read_block(folder: Path | None, digest: str) -> Light | None:
    """The block stored under ``digest`` (``Light(None)``: the file has none), or ``None``.

    A block entry (``<key>.arrow``) is stored beside the file's entry; its first line repeats
    the key and carries a SHA-256 of the block's head (its rules, counts and meta) and one of
    the rest (its tables). The head is checked and read here; the tables only when first asked
    for (:class:`~fundaudit.columnar.blocks.Block`: a damaged one raises ValueError then), so
    that a check whose findings of this file are known already reads no more of it.
    """
    raw = cachefiles.mapped(folder, f"{digest}.arrow", LIMIT)
    light = None if raw is None else parse_block(raw, digest, lazy=True)
    if light is not None and light.block is not None:
        for name in (f"{digest}.arrow", f"{digest}.json"):  # used again: kept among the newest
            with contextlib.suppress(OSError):
                os.utime(folder / name)  # type: ignore[operator]
    return light


def parse_block(raw: bytes | mmap.mmap, digest: str, lazy: bool = False) -> Light | None:
    """The block an entry's bytes state (``Light(None)``: the file has none), or ``None`` (damaged).

    ``lazy``: its tables checked and read when first asked for, not now.
    """
    from fundaudit.columnar.blockhead import Block, decode_head, head_size

    cut = raw.find(b"\n")
    body = memoryview(raw)[cut + 1 :]  # not copied: a block is large
    try:
        stated = json.loads(raw[:cut]) if cut >= 0 else None
        if type(stated) is not list or len(stated) != 4 or stated[:2] != [FORMAT, digest]:
            return None
        if body == UNFIT:
            return Light(None, digest) if stated[2:] == [hashlib.sha256(UNFIT).hexdigest(), _EMPTY] else None
        end = head_size(body)
        if hashlib.sha256(body[:end]).hexdigest() != stated[2]:
            return None
        rules, counts, meta = decode_head(body[8:end])
        programs, sources = meta["programs"], meta["sources"]
        if not (
            all(type(pid) is str and type(line) is int for pid, line in programs)
            and set(sources) == {"named", "keys", "items"}
            and all(type(x) is str for v in sources.values() for x in v)
            and type(meta.get("file")) is str
        ):
            return None
        rest, sealed = body[end:], stated[3]

        def tables() -> Any:
            import pyarrow as pa

            from fundaudit.columnar.blocks import decode_tables

            if hashlib.sha256(rest).hexdigest() != sealed:
                raise ValueError("damaged block")
            size = int.from_bytes(rest[:8], "little")
            if len(rest) < 8 or size > INFLATED:
                raise ValueError("damaged block")
            packed = pa.py_buffer(rest[8:])
            return decode_tables(memoryview(pa.decompress(packed, size, codec=_CODEC, asbytes=True)), counts)

        block = Block(rules, counts, meta, read=tables)
        if not lazy:
            block.tables()
        return Light(block, digest)
    except Exception:  # whatever a damaged entry raises (Arrow's errors too): not used
        return None


_EMPTY = hashlib.sha256(b"").hexdigest()


def block_entry(digest: str, body: bytes) -> bytes:
    """The bytes of the block entry ``body`` (from :func:`fundaudit.columnar.blocks.encode`, or UNFIT):
    a line of the format, the key and the SHA-256 of the block's head and of its tables, then the head, then
    the tables compressed (their size, 8 bytes little-endian, then zstd)."""
    if body == UNFIT:
        head, tables = body, b""
    else:
        import pyarrow as pa

        end = 8 + int.from_bytes(body[:8], "little")
        head, rest = body[:end], body[end:]
        tables = len(rest).to_bytes(8, "little") + pa.compress(rest, codec=_CODEC, asbytes=True)
    seals = [hashlib.sha256(part).hexdigest() for part in (head, tables)]
    return json.dumps([FORMAT, digest, *seals]).encode() + b"\n" + head + tables


_CODEC = "zstd"  # of a block's tables (its head is read without inflating anything)


def forget_block(folder: Path | None, digest: str) -> None:
    """Delete the block entry ``digest`` (its tables turned out damaged): the next check makes it again."""
    if folder is not None and ENTRY.fullmatch(f"{digest}.arrow"):
        with contextlib.suppress(OSError):
            path = folder / f"{digest}.arrow"
            if not folder.is_symlink() and not path.is_symlink():
                path.unlink()


def write_blocks(folder: Path | None, entries: list[tuple[str, bytes]]) -> None:
    """Store each block entry (see :func:`block_entry`) under its key; any failure is passed over."""
    if folder is None or not entries:
        return
    for digest, data in entries:
        cachefiles.write(folder, f"{digest}.arrow", data)
    cachefiles.prune(folder, ENTRY, KEEP, SIZE)


# ------------------------------------------------------------------------------ encoding


def _encode(part: Part) -> dict[str, Any]:
    index = {id(f): i for i, f in enumerate(part.figures)}
    figs = part.figures
    figures = {  # a column each: read back a column at a time
        "ref": [f.ref for f in figs],
        "label": [f.label for f in figs],
        "coefficient": [f.value.coefficient for f in figs],
        "exponent": [f.value.exponent for f in figs],
        "unit": [f.unit.text for f in figs],
        "source": [f.source.line for f in figs],
        "yaml": [f.yaml.line for f in figs],
        "extra": [
            [i, f.bound, f.note, f.drafted]
            for i, f in enumerate(figs)
            if f.bound is not None or f.note is not None or f.drafted is not None
        ],
    }

    def fig(f: Figure | None) -> int | None:
        return None if f is None else index[id(f)]

    def split(entries: tuple[SplitEntry, ...]) -> list[Any]:
        return [[e.key, fig(e.amount), split(e.split), e.partial, e.yaml.line, e.whole] for e in entries]

    def table(t: Table) -> list[Any]:
        return [
            t.path,
            t.id,
            t.title,
            t.source.line,
            t.yaml.line,
            [[c.name, None if c.unit is None else c.unit.text, c.foot, c.unit_template] for c in t.columns],
            [[name, list(parts)] for name, parts in t.column_sums],
            [
                [
                    *(r.id, r.label, r.role, None if r.sums is None else list(r.sums), r.cross),
                    *([fig(c) for c in r.cells], r.source.line, r.yaml.line),
                ]
                for r in t.rows
            ],
            [[s.kind, list(s.columns), s.yaml.line] for s in t.schedules],
            [[s.kind, list(s.columns), s.yaml.line] for s in t.products],
        ]

    def node(n: Node) -> list[Any]:
        s, h = n.schedule, n.shares
        return [
            n.path,
            n.id,
            n.name,
            n.yaml.line,
            None if n.source is None else n.source.line,
            fig(n.total),
            n.only,
            split(n.split),
            n.split_partial,
            [node(i) for i in n.items],
            n.items_partial,
            [fig(f) for f in n.figures],
            None if s is None else [s.kind, s.of, [fig(f) for f in s.periods], s.partial, s.yaml.line, s.note],
            None if h is None else [h.of, [fig(f) for f in h.parts], h.partial, h.yaml.line],
            [table(t) for t in n.tables],
            n.note,
        ]

    return {
        "figures": figures,
        "programs": [node(p) for p in part.programs],
        "relations": _yaml_tree(part.relations),
        "links": _yaml_tree(part.links),
    }


def _yaml_tree(node: yaml.Node | None) -> Any:
    if node is None:
        return None
    mark = node.start_mark
    if isinstance(node, yaml.ScalarNode):
        return ["s", node.tag, node.value, mark.line, mark.column, node.style]
    if isinstance(node, yaml.SequenceNode):
        return ["q", node.tag, [_yaml_tree(c) for c in node.value], mark.line, mark.column]
    return ["m", node.tag, [[_yaml_tree(k), _yaml_tree(v)] for k, v in node.value], mark.line, mark.column]


# ------------------------------------------------------------------------------ decoding


_TEXT = {str}
_WHOLE = {int}  # never float, nor bool


def _int(x: Any) -> int:
    if type(x) is not int:
        raise TypeError("not a whole number")
    return x


def _str(x: Any) -> str:
    if type(x) is not str:
        raise TypeError("not text")
    return x


def _opt(x: Any) -> str | None:
    return None if x is None else _str(x)


def _bool(x: Any) -> bool:
    if type(x) is not bool:
        raise TypeError("not true or false")
    return x


def _decode(raw: dict[str, Any], display: str, source: str) -> Part:
    columns = raw["figures"]
    refs, labels, coefficients, exponents, unit_texts, source_lines, yaml_lines = (
        columns[k] for k in ("ref", "label", "coefficient", "exponent", "unit", "source", "yaml")
    )
    if not (
        len(refs) == len(labels) == len(coefficients) == len(exponents) == len(unit_texts)
        and len(refs) == len(source_lines) == len(yaml_lines)
        and set(map(type, refs)) | set(map(type, labels)) | set(map(type, unit_texts)) <= _TEXT
        and set(map(type, coefficients)) | set(map(type, exponents)) <= _WHOLE
        and set(map(type, source_lines)) | set(map(type, yaml_lines)) <= _WHOLE
    ):
        raise TypeError("damaged figures")
    units = {text: parse_unit(text) for text in set(unit_texts)}
    at_source = {line: Loc(source, line) for line in set(source_lines)}
    at_yaml = {line: Loc(display, line) for line in set(yaml_lines)}
    count = len(refs)
    bounds: list[str | None] | None = None
    notes: list[str | None] | None = None
    drafts: list[str | None] | None = None
    extra = columns["extra"]
    if extra:
        bounds, notes, drafts = [None] * count, [None] * count, [None] * count
        for i, bound, note, drafted in extra:
            if not 0 <= _int(i) < count:
                raise IndexError("no such figure")
            bounds[i], notes[i], drafts[i] = _opt(bound), _opt(note), _opt(drafted)
    values = {"coefficient": coefficients, "exponent": exponents}
    figures = adopt.columns(
        Figure,
        count,
        {
            "ref": refs,
            "label": labels,
            "value": adopt.columns(Written, count, values),
            "unit": list(map(units.__getitem__, unit_texts)),
            "source": list(map(at_source.__getitem__, source_lines)),
            "yaml": list(map(at_yaml.__getitem__, yaml_lines)),
            "bound": bounds,
            "note": notes,
            "drafted": drafts,
        },
    )

    def unit_of(text: Any) -> Unit:
        found = units.get(text)
        if found is None:
            found = units[text] = parse_unit(_str(text))
        return found

    def fig(i: Any) -> Figure:
        found: Figure = figures[i]
        return found

    def yaml_at(line: Any) -> Loc:
        found = at_yaml.get(line)
        if found is None:
            found = at_yaml[line] = Loc(display, _int(line))
        return found

    def source_at(line: Any) -> Loc:
        found = at_source.get(line)
        if found is None:
            found = at_source[line] = Loc(source, _int(line))
        return found

    # made empty and filled a column at a time (fundaudit.loader.adopt) before the part is returned: each
    # object is made once its fields are known (its items and sub-splits first), so rows and objects match
    splits, rows, nodes = adopt.Batch(SplitEntry), adopt.Batch(Row), adopt.Batch(Node)

    def split(entries: list[Any]) -> tuple[SplitEntry, ...]:
        make = splits.make
        return tuple(
            [
                make((k, None if a is None else figures[a], split(s) if s else (), p, yaml_at(y), w))
                for k, a, s, p, y, w in entries
            ]
        )

    def spec(s: list[Any]) -> TableSpec:
        kind, columns, line = s
        return TableSpec(_str(kind), tuple(_str(c) for c in columns), Loc(display, _int(line)))

    def row(r: list[Any]) -> Row:
        rid, label, role, sums, cross, cells, source_line, yaml_line = r
        return rows.make(
            (
                rid,
                label,
                role,
                None if sums is None else tuple(sums),
                cross,
                tuple([None if c is None else figures[c] for c in cells]),
                source_at(source_line),
                yaml_at(yaml_line),
            )
        )

    def table(t: list[Any]) -> Table:
        path, tid, title, source_line, yaml_line, columns, sums, table_rows, schedules, products = t
        return Table(
            path=_str(path),
            id=_str(tid),
            title=_str(title),
            source=Loc(source, _int(source_line)),
            yaml=Loc(display, _int(yaml_line)),
            columns=tuple(
                Column(_str(n), None if u is None else unit_of(u), _bool(f), _opt(tp)) for n, u, f, tp in columns
            ),
            column_sums=tuple((_str(n), tuple(_str(p) for p in parts)) for n, parts in sums),
            rows=tuple([row(r) for r in table_rows]),
            schedules=tuple(spec(s) for s in schedules),
            products=tuple(spec(s) for s in products),
        )

    def node(n: list[Any]) -> Node:
        path, nid, name, yaml_line, source_line, total, only, splits, split_partial = n[:9]
        items, items_partial, figs, schedule, shares, tables, note = n[9:]
        return nodes.make(
            (
                _str(path),
                _str(nid),
                _str(name),
                yaml_at(yaml_line),
                None if source_line is None else source_at(source_line),
                None if total is None else figures[total],
                _opt(only),
                split(splits) if splits else (),
                _bool(split_partial),
                tuple([node(i) for i in items]),
                _bool(items_partial),
                tuple([figures[f] for f in figs]),
                None if schedule is None else _schedule(schedule, fig, display),
                None if shares is None else _shares(shares, fig, display),
                tuple([table(t) for t in tables]) if tables else (),
                _opt(note),
            )
        )

    programs = tuple([node(p) for p in raw["programs"]])
    for batch in (splits, rows, nodes):
        batch.fill()
    return Part(programs, tuple(figures), _node_of(raw["relations"]), _node_of(raw["links"]))


def storable(part: Part) -> bool:
    """True when the programs hold each figure of the part once and no other: an entry can say it all."""
    held = [id(f) for f in _figures_of(part.programs)]
    return len(held) == len(part.figures) and set(held) == {id(f) for f in part.figures}


def _schedule(s: list[Any], fig: Callable[[Any], Figure], display: str) -> Schedule:
    kind, of, periods, partial, line, note = s
    return Schedule(
        _str(kind), _str(of), tuple(fig(f) for f in periods), _bool(partial), Loc(display, _int(line)), _opt(note)
    )


def _shares(s: list[Any], fig: Callable[[Any], Figure], display: str) -> Shares:
    of, parts, partial, line = s
    return Shares(_str(of), tuple(fig(f) for f in parts), _bool(partial), Loc(display, _int(line)))


def _figures_of(programs: tuple[Node, ...]) -> Iterator[Figure]:
    """Every figure the programs hold, each as often as it is held."""
    for program in programs:
        for n in program.walk():
            if n.total is not None:
                yield n.total
            yield from _split_figures(n.split)
            yield from n.figures
            if n.schedule is not None:
                yield from n.schedule.periods
            if n.shares is not None:
                yield from n.shares.parts
            for t in n.tables:
                for r in t.rows:
                    yield from (c for c in r.cells if c is not None)


def _split_figures(entries: tuple[SplitEntry, ...]) -> Iterator[Figure]:
    for e in entries:
        if e.amount is not None:
            yield e.amount
        yield from _split_figures(e.split)


def _node_of(raw: Any) -> yaml.Node | None:
    if raw is None:
        return None
    kind, tag, value, line, column, *style = raw
    mark = yaml.Mark("", 0, _int(line), _int(column), None, 0)  # what the loader reads of a node's place
    if kind == "s":
        return yaml.ScalarNode(_str(tag), _str(value), mark, mark, _opt(style[0]))
    if kind == "q":
        return yaml.SequenceNode(_str(tag), [_node_of(c) for c in value], mark, mark)
    if kind == "m":
        return yaml.MappingNode(_str(tag), [(_node_of(k), _node_of(v)) for k, v in value], mark, mark)
    raise ValueError("not a YAML node")
