"""relate: claims and figures into the data format's shapes.

Headings become programs (the outermost) and items (nested by level); the figures of a
heading's running text become its ``figures:``; a funding-source split becomes an item with
``total`` and ``split`` (or ``only:`` for one source); a table becomes a ``tables:`` entry of
its heading; every other stated sum, product, schedule or repeat becomes a ``relations:``
entry whose note quotes the figures. Each element carries the id of the extractor that read
it (its ``drafted`` mark).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fundaudit.draft.model import Claim, Fig, Found, Heading, TableDraft

_KEY_BAD = re.compile(r"[:@/\\\"\n\t]")


@dataclass
class DNode:
    id: str
    name: str
    line: int | None
    drafted: str
    total: Fig | None = None
    only: str | None = None
    split: list[tuple[str, Fig]] = field(default_factory=list)
    split_partial: bool = False
    figures: dict[str, Fig] = field(default_factory=dict)
    items: list[DNode] = field(default_factory=list)
    tables: list[TableDraft] = field(default_factory=list)
    shares: list[tuple[str, Fig]] = field(default_factory=list)
    shares_partial: bool = False
    path: str = ""
    why: str = ""


@dataclass
class DRelation:
    id: str
    kind: str
    total: str
    parts: list[str]
    drafted: str
    note: str


@dataclass
class DraftDocument:
    id: str
    source: str
    title: str
    programs: list[DNode]
    relations: list[DRelation]
    refs: dict[tuple[int, int], str]  # figure (line, column) -> its reference

    def figure_count(self) -> int:
        n = 0
        stack = list(self.programs)
        while stack:
            node = stack.pop()
            n += (node.total is not None) + len(node.split) + len(node.figures) + len(node.shares)
            n += sum(len(t.figures()) for t in node.tables)
            stack.extend(node.items)
        return n


def key_name(text: str) -> str:
    """A figure key from a label: no ``:``, ``/`` or ``@`` (they separate reference parts)."""
    return _KEY_BAD.sub("", text).strip() or "figure"


def relate(found: Found, doc_id: str, source: str, title: str = "") -> DraftDocument:
    outline = found.outline
    nodes: dict[int, DNode] = {}
    programs: list[DNode] = []
    preamble = DNode("preamble", "正文", None, "outline", path="preamble")
    for i, block in enumerate(outline.blocks):
        if not isinstance(block, Heading):
            continue
        chain = outline.chain[i]
        node = DNode(
            f"h{block.line}", (block.numbering + block.title).strip() or f"line {block.line}", block.line, "outline"
        )
        parent = nodes.get(chain[-1]) if chain else None
        if parent is None:
            node.path = node.id
            programs.append(node)
        else:
            node.path = f"{parent.path}/{node.id}"
            parent.items.append(node)
        nodes[i] = node

    def home(block: int) -> DNode:
        chain = outline.chain[block]
        if block in nodes:
            return nodes[block]
        return nodes[chain[-1]] if chain else preamble

    refs: dict[tuple[int, int], str] = {}
    split_claims = [c for c in found.claims if c.kind == "split"]
    for claim in split_claims:
        parent = home(claim.block)
        total = claim.total
        assert total is not None
        node = DNode(f"x{total.line}-{total.column}", claim.name or total.label, total.line, claim.pattern, total=total)
        node.path = f"{parent.path}/{node.id}"
        if len(claim.parts) == 0 and claim.keys:
            node.only = claim.keys[0]
        for key, part in zip(claim.keys, claim.parts, strict=True):
            node.split.append((key, part))
            refs[part.key] = f"{node.path}:{key}"
        node.split_partial = claim.why == "partial"
        refs[total.key] = f"{node.path}:total"
        parent.items.append(node)
    for claim in found.claims:
        if claim.kind == "shares":
            parent = home(claim.block)
            node = DNode(
                f"s{claim.parts[0].line}-{claim.parts[0].column}",
                claim.name or "shares",
                claim.parts[0].line,
                claim.pattern,
            )
            node.path = f"{parent.path}/{node.id}"
            node.shares = list(zip(claim.keys, claim.parts, strict=True))
            node.shares_partial = claim.why == "partial"
            for key, part in node.shares:
                refs[part.key] = f"{node.path}:shares/{key}"
            parent.items.append(node)
    for fig in found.figures:
        if fig.key in refs:
            continue
        node = home(fig.block)
        key = key_name(fig.label)
        if key in node.figures or key == "total":
            key = f"{key}@{fig.line}"
            n = 2
            while key in node.figures:
                key = f"{key_name(fig.label)}@{fig.line}-{n}"
                n += 1
        node.figures[key] = fig
        refs[fig.key] = f"{node.path}:{key}"
    for table in found.tables:
        node = home(table.block)
        node.tables.append(table)
    relations: list[DRelation] = []
    for claim in found.claims:
        if claim.kind in ("split", "shares"):
            continue
        if claim.total is None or claim.total.key not in refs or any(p.key not in refs for p in claim.parts):
            continue
        parts = [refs[p.key] for p in claim.parts]
        if len(set(parts)) != len(parts) or refs[claim.total.key] in parts:
            continue
        note = _note(claim)
        relations.append(
            DRelation(f"d{len(relations) + 1}", claim.kind, refs[claim.total.key], parts, claim.pattern, note)
        )
    if preamble.figures or preamble.items or preamble.tables:
        programs.insert(0, preamble)
    return DraftDocument(doc_id, source, title, programs, relations, refs)


def _note(claim: Claim) -> str:
    total = claim.total
    assert total is not None
    sign = {"product": " × ", "equal": " = "}.get(claim.kind, " + ")
    parts = sign.join(f"{p.label} {p.value} {p.unit} @{p.line}" for p in claim.parts)
    text = f"{total.label} {total.value} {total.unit} @{total.line} ← {parts}"
    return text + (f" ({claim.why})" if claim.why else "")
