"""A document entry of the entry file and the files it includes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path, PurePosixPath

import yaml

from fundaudit.errors import LoadError
from fundaudit.i18n import NP_, _
from fundaudit.loader import cache, canonical
from fundaudit.loader.cache import Light, NotLight, Part
from fundaudit.loader.context import (
    _PATH_SHOWN,
    _compose,
    _Ctx,
    _display,
    _fields,
    _id,
    _mapping,
    _null,
    _read,
    _read_bytes,
    _resolved_once,
    _Scope,
    _seq,
    _text,
)
from fundaudit.loader.nodes import _node
from fundaudit.loader.sources import check_sources, sources_hold, sources_of
from fundaudit.model import (
    Document,
    Loc,
    Node,
)
from fundaudit.numbers import shown
from fundaudit.yamlnodes import line_of


def _document(
    ctx: _Ctx,
    entry: Path,
    file: str,
    node: yaml.Node,
    seen: dict[str, int],
    link_nodes: list[tuple[str, yaml.Node]],
    pending: list[tuple[_Scope, yaml.Node]],
) -> Document | None:
    m = _mapping(ctx, file, node, _("a document"))
    if m is None:
        return None
    f = _fields(
        ctx,
        file,
        m,
        NP_("data element", "document"),
        {"id", "source", "title", "issuer", "date", "include", "programs", "relations"},
        {"id", "source", "title"},
    )
    doc_id = _id(ctx, file, f["id"], _("document id")) if "id" in f else None
    source = _text(ctx, file, f["source"], "source") if "source" in f else None
    title = _text(ctx, file, f["title"], "title") if "title" in f else None
    if source is not None and not _inside(source):
        ctx.error(
            file,
            f["source"],
            _("source {source} must name a file inside the sources folder").format(source=shown(source, _PATH_SHOWN)),
        )
        source = None
    if doc_id is None or source is None or title is None:
        return None
    if doc_id in seen:
        ctx.error(
            file,
            f["id"],
            _("duplicate document id {doc_id} (first at line {value})").format(
                doc_id=shown(doc_id), value=seen[doc_id]
            ),
        )
        return None
    seen[doc_id] = line_of(f["id"])
    issuer = _text(ctx, file, f["issuer"], "issuer") if "issuer" in f else None
    date = _text(ctx, file, f["date"], "date") if "date" in f else None
    parts: list[tuple[str, yaml.MappingNode | Part | Light, str | None]] = (
        [(file, m, None)] if ("programs" in f or "relations" in f) else []
    )
    if parts and ctx.light is not None:
        raise NotLight  # programs in the entry file: read as usual
    unloaded = len(ctx.unloaded)
    for inc in _seq(ctx, file, f.get("include", _null()), "include"):
        included = _include_part(ctx, entry, file, inc, doc_id, source)
        if included is not None:
            parts.append(included)
    scope_programs: list[Node] = []
    relation_nodes: list[tuple[str, yaml.Node]] = []
    program_ids: dict[str, Loc] = {}
    light: list[Light] = []
    for pfile, pm, digest in parts:
        if isinstance(pm, Light):  # its block only (fundaudit.loader.fast): its programs' ids and sources
            assert ctx.light is not None and pm.block is not None
            ctx.light.append(pm)
            light.append(pm)
            for pid, line in pm.block.meta["programs"]:
                _program_id(ctx, program_ids, pfile, pid, Loc(pfile, line))
            continue
        if isinstance(pm, Part):  # taken from the cache: what reading the file below gave last time
            ctx.add_part(pm)
            programs = list(pm.programs)
            sub = {k: v for k, v in (("relations", pm.relations), ("links", pm.links)) if v is not None}
            if ctx.light is not None:
                if digest is None:
                    raise NotLight  # a part without a key would be left out of the blocks
                ctx.light.append((digest, pm, doc_id, source))
        elif pm is not m:
            figures_before = len(ctx.figures)
            part = read_part(ctx, pfile, pm, doc_id, source)
            programs = list(part.programs)
            sub = {k: v for k, v in (("relations", part.relations), ("links", part.links)) if v is not None}
            whole = replace(part, figures=tuple(ctx.figures[figures_before:]))
            if digest is not None:  # stored if the whole load has no error
                ctx.stored.append((digest, whole))
            if ctx.light is not None:
                if digest is None:
                    raise NotLight  # a part without a key would be left out of the blocks
                ctx.light.append((digest, whole, doc_id, source))
        else:
            sub = {k: f[k] for k in ("programs", "relations") if k in f}
            programs = _programs(ctx, _Scope(pfile, doc_id, source), sub)
        for prog in programs:
            if _program_id(ctx, program_ids, pfile, prog.id, prog.yaml):
                scope_programs.append(prog)
        if "relations" in sub:
            relation_nodes.append((pfile, sub["relations"]))
        if "links" in sub:
            link_nodes.append((pfile, sub["links"]))
    if len(ctx.unloaded) == unloaded and light:  # the same check, on what the blocks say
        if not sources_hold([*(p.block.meta["sources"] for p in light if p.block), sources_of(scope_programs)]):
            raise NotLight  # read as usual, where the check says what is wrong
    elif len(ctx.unloaded) == unloaded:  # with a part missing, its sources would look unknown
        check_sources(ctx, scope_programs)
    pending.extend((_Scope(rfile, doc_id, source), rnode) for rfile, rnode in relation_nodes)
    return Document(doc_id, source, title, issuer, date, tuple(scope_programs), (), Loc(file, line_of(m)))


def _program_id(ctx: _Ctx, seen: dict[str, Loc], file: str, pid: str, where: Loc) -> bool:
    """Note a program's id in its document; False (and an error) when another program has it."""
    if pid in seen:
        first = seen[pid]
        said = _("line {line}").format(line=first.line) if first.file == file else str(first)
        ctx.error(file, where.line, _("duplicate program id {id} (first at {where})").format(id=shown(pid), where=said))
        return False
    seen[pid] = where
    return True


def read_part(ctx: _Ctx, file: str, m: yaml.MappingNode, doc: str, source: str) -> Part:
    """What document ``doc`` takes from the included file ``file`` (its top mapping ``m``).

    The figures of the part are those ``ctx`` gained meanwhile: here, none (the caller knows them).
    """
    sub = _fields(ctx, file, m, _("an included file"), {"programs", "relations", "links"})
    programs = _programs(ctx, _Scope(file, doc, source), sub)
    return Part(tuple(programs), (), sub.get("relations"), sub.get("links"))


def _programs(ctx: _Ctx, scope: _Scope, sub: dict[str, yaml.Node]) -> list[Node]:
    listed = sub.get("programs")
    if isinstance(listed, canonical.Deferred):  # in the entry file, in the layout fmt writes
        built = canonical.programs(ctx, scope, listed)
        if built is not None:
            return built
    return [
        prog
        for pnode in _seq(ctx, scope.file, sub.get("programs", _null()), "programs")
        if (prog := _node(ctx, scope, pnode, parent="", is_program=True)) is not None
    ]


def _inside(name: str) -> bool:
    """A relative path that cannot leave its folder: not absolute, no ``..``, no backslash."""
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name and ":" not in name


def _include_part(
    ctx: _Ctx, entry: Path, file: str, node: yaml.Node, doc: str, source: str
) -> tuple[str, yaml.MappingNode | Part | Light, str | None] | None:
    """The file an ``include:`` of document ``doc`` names: as the cache has it, else read as a mapping.

    The third value is the file's cache key (None: the cache is off and nothing is read ahead).
    With the blocks of :mod:`fundaudit.loader.fast`, a file whose block is stored is a Light part.
    """
    found = _include_path(ctx, entry, file, node)
    if found is None:
        return None
    path, display, rel = found
    data = _read_bytes(ctx, path, display, at=(file, node), name=rel)
    if data is None:
        return None
    digest = None
    if ctx.cache is not None or ctx.prepared:
        digest = cache.key(data, display, doc, source, ctx.limits)
        ready = ctx.prepared.pop(digest, None)  # once: a file included twice is read again
        done = ready() if ready is not None else None
        if done is not None:
            part, stored, block = done
            if isinstance(part, Light) and part.block is None:  # read ahead, and has no block
                cache.write_blocks(ctx.cache, [(digest, block)] if block is not None else [])
                raise NotLight  # the next check goes the usual way at once
            if block is not None:
                ctx.blocks.append((digest, block))
            if stored is not None:
                ctx.entries.append((digest, stored))
            elif ctx.cache is not None and isinstance(part, Part):
                ctx.stored.append((digest, part))
            return display, part, digest
        if ctx.light is not None:
            light = cache.read_block(ctx.cache, digest)
            if light is not None and light.block is None:
                raise NotLight  # this file has no block: read as usual
            if light is not None and (ctx.cache / f"{digest}.json").is_file():  # type: ignore[operator]
                return display, light, digest  # the file's entry is there too, for the model
        cached = cache.read(ctx.cache, digest, display, source) if ctx.cache is not None else None
        if cached is not None:
            return display, cached, digest
    quick = canonical.read(data, display, doc, source, ctx.limits)  # the layout fmt writes: no nodes composed
    if quick is not None:
        if digest is not None and ctx.cache is not None:
            ctx.stored.append((digest, quick))
        return display, quick, digest
    root = _compose(ctx, data, display)
    m = _mapping(ctx, display, root, _("an included file")) if root is not None else None
    return (display, m, digest) if m is not None else None


def _include(ctx: _Ctx, entry: Path, file: str, node: yaml.Node, what: str) -> tuple[str, yaml.MappingNode] | None:
    """Read the file an ``include:`` entry names (relative to the entry file) as a mapping."""
    found = _include_path(ctx, entry, file, node)
    if found is None:
        return None
    path, display, rel = found
    root_node = _read(ctx, path, display, at=(file, node), name=rel)
    m = _mapping(ctx, display, root_node, what) if root_node is not None else None
    return (display, m) if m is not None else None


def _include_path(ctx: _Ctx, entry: Path, file: str, node: yaml.Node) -> tuple[Path, str, str] | None:
    """The path, shown path and text of the file an ``include:`` entry names (relative to the entry file).

    The data root is the entry file's folder: an included path is resolved (symlinks too) and
    must stay inside it, so an include of ``/etc/passwd`` or ``../../x`` or a symlink out of the
    folder is refused before it is opened, and nothing of it is ever read or quoted.
    """
    rel = _text(ctx, file, node, _("an include"))
    if rel is None:
        return None
    root = _resolved_once(ctx, entry.parent)
    try:
        path = (entry.parent / rel).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long
        ctx.errors.append(
            LoadError(
                file,
                line_of(node),
                _("included file {rel} cannot be resolved").format(rel=shown(rel, _PATH_SHOWN)),
                stage=0,
            )
        )
        return None
    if not path.is_relative_to(root):
        ctx.errors.append(
            LoadError(
                file,
                line_of(node),
                _("included file {rel} is outside the data folder (the entry file's folder)").format(
                    rel=shown(rel, _PATH_SHOWN)
                ),
                stage=0,
            )
        )
        return None
    return path, _display(path, _resolved_once(ctx, Path.cwd())), rel


def _links_file(ctx: _Ctx, entry: Path, file: str, node: yaml.Node, out: list[tuple[str, yaml.Node]]) -> None:
    included = _include(ctx, entry, file, node, _("an included links file"))
    if included is None:
        return
    display, m = included
    f = _fields(ctx, display, m, _("a links file"), {"links"}, {"links"})
    if "links" in f:
        out.append((display, f["links"]))
