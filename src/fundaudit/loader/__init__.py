"""Load ``data/budgets.yaml`` (and the files it includes) into the typed model.

The loader never stops at the first problem: it collects every error with its file and
line and raises :class:`~fundaudit.errors.InvalidData` once at the end. Amounts are read
from the YAML scalars' text, so they never pass through float.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

import yaml

from fundaudit.errors import InvalidData
from fundaudit.gcpause import paused
from fundaudit.i18n import _
from fundaudit.loader import cache, canonical, parallel
from fundaudit.loader.context import _compose, _Ctx, _display, _mapping, _read_bytes, _Scope, _seq, _text
from fundaudit.loader.documents import _document, _links_file
from fundaudit.loader.relations import _links, _relations
from fundaudit.model import Budget, Declared, Document
from fundaudit.numbers import shown
from fundaudit.yamlnodes import Limits, pairs


def load(path: str | Path, limits: Limits | None = None) -> Budget:
    """Load the budget data at ``path`` (an entry file with ``documents:``).

    Raises :class:`InvalidData` listing every problem, each as ``file:line: message``.
    """
    with paused():
        budget = _load(Path(path), limits or Limits())
        if len(budget.figures) >= _FREEZE:
            gc.freeze()  # see _FREEZE
    return budget


# From this many figures the loaded model (about ten objects a figure, none in a reference
# cycle) is moved out of the cyclic collector's sight (gc.freeze): otherwise the first
# collection after the load walks all of them (0.15 s at 10^5 figures) and every full
# collection later walks them again, freeing nothing. Reference counting still frees them.
_FREEZE = 50_000


def _load(entry: Path, limits: Limits) -> Budget:
    ctx = _Ctx(limits, cache=cache.where())
    display = _display(entry)
    data = _read_bytes(ctx, entry, display)
    root = None if data is None else canonical.entry(data, limits) or _compose(ctx, data, display)
    ahead = parallel.prepare(ctx, entry, root)
    try:
        return _documents(ctx, entry, display, root)
    finally:
        ahead.close()


def _documents(ctx: _Ctx, entry: Path, display: str, root: yaml.Node | None) -> Budget:
    documents: list[Document] = []
    links: list[Declared] = []
    link_nodes: list[tuple[str, yaml.Node]] = []
    pending: list[tuple[_Scope, yaml.Node]] = []
    if root is not None:
        top = _mapping(ctx, display, root, _("the entry file"))
        if top is not None:
            allowed = {"fundaudit", "documents", "links", "include"}
            seen_docs: dict[str, int] = {}
            for key, knode, value in pairs(top, display, ctx.errors):
                if key == "fundaudit":
                    version = _text(ctx, display, value, _("the format version"))
                    if version is not None and version != "1":
                        ctx.error(
                            display,
                            value,
                            _("unsupported format version {version} (expected 1)").format(version=shown(version)),
                        )
                elif key == "documents":
                    for dnode in _seq(ctx, display, value, "documents"):
                        doc = _document(ctx, entry, display, dnode, seen_docs, link_nodes, pending)
                        if doc is not None:
                            documents.append(doc)
                elif key == "links":
                    link_nodes.append((display, value))
                elif key == "include":
                    for inc in _seq(ctx, display, value, "include"):
                        _links_file(ctx, entry, display, inc, link_nodes)
                else:
                    ctx.error(
                        display,
                        knode,
                        _("unknown key {key} (expected one of {value})").format(key=shown(key), value=sorted(allowed)),
                    )
            if "documents" not in {k for k, _, _ in pairs(top, display, [])}:
                ctx.error(display, top, _("the entry file has no 'documents:'"))
    declared = _relations(ctx, pending)
    documents = [replace(d, relations=declared.get(d.id, ())) for d in documents]
    for file, node in link_nodes:
        links.extend(_links(ctx, file, node))
    ctx.finish()
    if ctx.errors:
        raise InvalidData(ctx.errors)
    if ctx.cache is not None:
        stored = [(digest, cache.entry(digest, part)) for digest, part in ctx.stored if cache.storable(part)]
        cache.write(ctx.cache, stored + ctx.entries)
    return Budget(display, tuple(documents), tuple(links), tuple(ctx.figures))


__all__ = ["InvalidData", "load"]
