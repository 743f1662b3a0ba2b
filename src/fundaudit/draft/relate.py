"""relate: claims and figures into the data format's shapes.

Headings become programs (the outermost) and items (nested by level); the figures of a
heading's running text become its ``figures:``; a funding-source split becomes an item with
``total`` and ``split`` (or ``only:`` for one source). Itemised lists (pattern ``lists``):
the first planned total in a heading's own text takes the later totals below that heading
as its ``items`` (全年计划投资 27 亿元 over 国省干线 22 亿元 and 农村公路 5 亿元), unless the
totals stand side by side in one paragraph, differ in dimension, or add up to less than
half or more than twice it (a bare bound, ``投入 100 万元以上项目为：``, chooses the items and
is none of them). A funding summary by the headings of the tasks (``三、资金筹措`` with
``（一）公共文化设施建设`` again) takes, as the items of its first total, the totals below the
earlier heading of that title that no other total took. A table becomes a ``tables:`` entry of
its heading; every other stated sum, product, schedule or repeat becomes a ``relations:``
entry whose note quotes the figures. Each element carries the id of the extractor that read
it (its ``drafted`` mark).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fundaudit.draft.extract._words import dimension, plausible
from fundaudit.draft.model import Block, Claim, Fig, Found, Heading, TableDraft

_KEY_BAD = re.compile(r"[:@/\\\"\n\t]")


@dataclass(eq=False)  # nodes are compared by identity: a tree, not values
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
    block: int = -1
    parent: DNode | None = field(default=None, repr=False)

    def adopt(self, items: list[DNode]) -> None:
        """Move ``items`` here from wherever they are (each former parent's list rebuilt once)."""
        moved = {id(i) for i in items}
        for former in {id(i.parent): i.parent for i in items if i.parent is not None}.values():
            former.items = [x for x in former.items if id(x) not in moved]
        for item in items:
            item.parent = self
        self.items.extend(items)


@dataclass
class DRelation:
    id: str
    kind: str
    total: str
    parts: list[str]
    drafted: str
    note: str
    per: str = ""


@dataclass
class DraftDocument:
    id: str
    source: str
    title: str
    programs: list[DNode]
    relations: list[DRelation]
    refs: dict[tuple[int, int], str]  # figure (line, column) -> its reference
    problems: tuple[str, ...] = ()

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
    children: dict[int, list[int]] = {}
    programs: list[DNode] = []
    preamble = DNode("preamble", "正文", None, "outline")
    for i, block in enumerate(outline.blocks):
        if not isinstance(block, Heading):
            continue
        chain = outline.chain[i]
        name = (block.numbering + block.title).strip() or f"line {block.line}"
        nodes[i] = DNode(f"h{block.line}", name, block.line, "outline")
        if chain:
            nodes[chain[-1]].items.append(nodes[i])
            nodes[i].parent = nodes[chain[-1]]
            children.setdefault(chain[-1], []).append(i)
        else:
            programs.append(nodes[i])

    def home_index(block: int) -> int:
        if block in nodes:
            return block
        chain = outline.chain[block]
        return chain[-1] if chain else -1

    def home(block: int) -> DNode:
        k = home_index(block)
        return nodes[k] if k >= 0 else preamble

    totals: dict[int, list[DNode]] = {}  # heading index -> its total nodes in document order
    for claim in found.claims:
        if claim.kind != "split":
            continue
        total = claim.total
        assert total is not None
        name = claim.name or total.label
        where = home_index(claim.block)
        if _generic(name) and where >= 0 and where not in totals:
            heading = outline.blocks[where]
            assert isinstance(heading, Heading)
            name = heading.title or name  # 1. 学生资助。计划投入资金 6.5 亿元: the item is 学生资助
        node = DNode(f"x{total.line}-{total.column}", name, total.line, claim.pattern, total=total)
        node.block = claim.block
        if not claim.parts and claim.keys and claim.keys[0]:
            node.only = claim.keys[0]
        node.split = list(zip(claim.keys, claim.parts, strict=False)) if claim.parts else []
        node.split_partial = claim.why == "partial"
        home(claim.block).adopt([node])
        totals.setdefault(home_index(claim.block), []).append(node)
    for claim in found.claims:
        if claim.kind == "shares":
            first = claim.parts[0]
            node = DNode(f"s{first.line}-{first.column}", claim.name or "shares", first.line, claim.pattern)
            node.shares = list(zip(claim.keys, claim.parts, strict=True))
            node.shares_partial = claim.why == "partial"
            home(claim.block).adopt([node])
    tops: dict[int, list[DNode]] = {-1: list(totals.get(-1, []))}
    nested: dict[int, list[DNode]] = {}
    for root in [i for i in nodes if not outline.chain[i]]:
        tops[root] = _nest(root, nodes, children, totals, nested)
    taken = _summaries(outline.blocks, outline.chain, nodes, totals, nested)
    tops = {k: [n for n in ns if id(n) not in taken] for k, ns in tops.items()}
    programs.insert(0, preamble)
    programs = _funding_programs(programs, preamble, nodes, tops)
    stated = _unknown_sources(programs)
    refs: dict[tuple[int, int], str] = {}
    for program in programs:
        _paths(program, "", refs)
    rates = {p.key: p for c in found.claims if c.kind == "product" and not c.per for p in c.parts}
    for fig in found.figures:
        if fig.key in refs:
            continue
        fig = rates.get(fig.key, fig)  # a unit cost read as a rate (元/户)
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
        path = f"{node.path}/{table_id(table)}"
        for row in table.rows:
            for j, col in enumerate(table.columns):
                refs[(row.line, -(j + 1))] = f"{path}/r{row.line}:{col.name}"
    for program in programs:
        _prune(program)
    if preamble in programs and not (preamble.items or preamble.figures or preamble.tables):
        programs.remove(preamble)
    relations: list[DRelation] = []
    for node, partial in stated:
        assert node.total is not None
        kind = "sum-partial" if partial else "sum"
        parts = [refs[f.key] for f in node.figures.values()]
        note = f"{node.name}: " + " + ".join(f"{k} {f.value} {f.unit}" for k, f in node.figures.items())
        relations.append(DRelation(f"d{len(relations) + 1}", kind, refs[node.total.key], parts, node.drafted, note))
    for table in found.tables:
        for (line, j), cells in table.cell_sums:
            whole = refs.get((line, -(j + 1)))
            each = [refs[(n, -(k + 1))] for n, k in cells if (n, -(k + 1)) in refs]
            if whole is None or len(each) != len(cells):
                continue
            names = " + ".join(f"{table.columns[k].name} @{n}" for n, k in cells)
            note = f"{table.title}: {table.columns[j].name} @{line} ← {names}"
            relations.append(DRelation(f"d{len(relations) + 1}", "sum", whole, each, table.pattern, note))
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
            DRelation(
                f"d{len(relations) + 1}", claim.kind, refs[claim.total.key], parts, claim.pattern, note, claim.per
            )
        )
    return DraftDocument(doc_id, source, title, programs, relations, refs, found.problems)


def _nest(
    heading: int,
    nodes: dict[int, DNode],
    children: dict[int, list[int]],
    totals: dict[int, list[DNode]],
    nested: dict[int, list[DNode]],
) -> list[DNode]:
    """Itemised totals: the first total of a heading's own text takes the later totals below it as items.

    Returns the totals of this heading's part of the document that are not an item of another
    (in document order), for the enclosing heading to adopt; ``nested`` keeps them by heading.
    """
    kids = children.get(heading, [])
    below = [t for k in kids for t in _nest(k, nodes, children, totals, nested)]
    nested[heading] = _nested(heading, nodes, kids, below, totals)
    return nested[heading]


def _nested(
    heading: int, nodes: dict[int, DNode], kids: list[int], below: list[DNode], totals: dict[int, list[DNode]]
) -> list[DNode]:
    # a bare bound (投入 100 万元以上项目为：) is a threshold the list is chosen by, not one of its totals
    own = [n for n in totals.get(heading, []) if not _threshold(n)]
    aside = [n for n in totals.get(heading, []) if _threshold(n)]
    first_kid_line = nodes[kids[0]].line or 0 if kids else 1 << 30
    seq = sorted(own + below, key=lambda n: (n.line or 0, n.total.column if n.total else 0))
    if not own or own[0] is not seq[0] or (own[0].line or 0) > first_kid_line or len(seq) < 2:
        return sorted(seq + aside, key=lambda n: (n.line or 0, n.total.column if n.total else 0))
    if any(n.block == own[0].block for n in own[1:]):
        return seq + aside  # totals side by side in one paragraph are siblings, not a total and its items
    head, items = seq[0], seq[1:]
    assert head.total is not None
    if any(i.total is None or dimension(i.total.unit) != dimension(head.total.unit) for i in items):
        return seq + aside
    if not plausible((head.total.value, head.total.unit), [(i.total.value, i.total.unit) for i in items if i.total]):
        return seq + aside
    head.adopt(items)
    head.drafted = "lists" if head.drafted == "splits" else head.drafted
    return [head, *aside]


def _summaries(
    blocks: tuple[Block, ...],
    chain: tuple[tuple[int, ...], ...],
    nodes: dict[int, DNode],
    totals: dict[int, list[DNode]],
    nested: dict[int, list[DNode]],
) -> set[int]:
    """A funding summary by the headings of the tasks: its total takes the task's item totals.

    ``（一）公共文化设施建设`` with items ``1. … 计划投入中央资金 0.35 亿元`` … and, under
    ``二、资金筹措``, ``（一）公共文化设施建设 计划安排资金 1.35 亿元，其中 …``: the later
    heading names the earlier one again (the same title, or one the start of the other,
    before any ``（牵头单位…）``, under the same outermost heading); the first total of its
    text takes the totals below the earlier heading that no other total took, when they are
    of its dimension and plausibly add up to it. Returns the ``id`` of each node taken.
    """
    taken: set[int] = set()
    first: dict[tuple[int, str], int] = {}  # (the outermost heading, a title) -> its first heading
    starts: dict[tuple[int, str], int] = {}  # (the outermost heading, a title's start) -> its first heading
    for k in sorted(nodes):
        block = blocks[k]
        assert isinstance(block, Heading)
        key = _title_key(block.title)
        if len(key) < _TITLE_CHARS:
            continue
        root = chain[k][0] if chain[k] else k  # one 专项: the same title in another is another task
        earlier = first.get((root, key))
        if earlier is None and len(key) >= _TITLE_START:
            earlier = starts.get((root, key))  # an earlier title that starts with this one
        if earlier is None:  # an earlier title this one starts with
            earlier = next(
                (e for n in range(_TITLE_START, len(key)) if (e := first.get((root, key[:n]))) is not None), None
            )
        if earlier is None:
            first.setdefault((root, key), k)
            for n in range(_TITLE_START, len(key) + 1):
                starts.setdefault((root, key[:n]), k)
            continue
        if earlier in chain[k]:
            continue  # a heading restating its own section's title
        own = [n for n in totals.get(k, []) if not _threshold(n)]
        if not own or own[0].total is None or any(i.total is not None for i in own[0].items):
            continue
        head = own[0]
        assert head.total is not None
        items = [
            n
            for n in nested.get(earlier, [])
            if n.total is not None and not _threshold(n) and (n.parent is None or n.parent.drafted == "outline")
        ]
        if not items or any(dimension(i.total.unit) != dimension(head.total.unit) for i in items if i.total):
            continue
        if not plausible(
            (head.total.value, head.total.unit), [(i.total.value, i.total.unit) for i in items if i.total]
        ):
            continue
        head.adopt(items)
        head.drafted = "lists" if head.drafted == "splits" else head.drafted
        taken.update(id(i) for i in items)
    return taken


_TITLE_CHARS = 4  # Chinese characters a heading's title needs to be matched with another
_TITLE_START = 6  # characters of a title that match a longer one starting with them (文化志愿服务 / …行动)


def _title_key(title: str) -> str:
    """A heading's title without what follows its name (（牵头单位…）) and without marks or spaces."""
    name = re.split(r"[（(〔\[]", title, maxsplit=1)[0]
    return "".join(re.findall(r"[\u4e00-\u9fff0-9A-Za-z]", name))


def _threshold(node: DNode) -> bool:
    """A total with a bound and no parts: 投入 100 万元以上 (the projects listed are those above it)."""
    return node.total is not None and node.total.bound is not None and not node.split and not node.only


def table_id(table: TableDraft) -> str:
    return f"t{table.rows[0].line}"


def _generic(name: str) -> bool:
    """A label that names no thing of its own (计划投入资金, 安排资金)."""
    rest = re.sub(r"(计划|安排|投入|投资|资金|总|共|需|全年|年度|完成|下达)", "", name)
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) < 2


def _prune(node: DNode) -> bool:
    """Drop headings left with nothing in them (their totals moved to a list); True if ``node`` is empty."""
    node.items = [item for item in node.items if not _prune(item)]
    return node.drafted == "outline" and not (node.items or node.figures or node.tables or node.total)


def _walk(node: DNode) -> list[DNode]:
    out = [node]
    for item in node.items:
        out.extend(_walk(item))
    return out


def _funding_programs(
    programs: list[DNode], preamble: DNode, nodes: dict[int, DNode], tops: dict[int, list[DNode]]
) -> list[DNode]:
    """Each outermost funded total (a split or ``only:``) is a program of its own, after its heading's.

    The funding sources a document uses are those its programs name; an item's split names
    them again (and the loader checks it does).
    """
    out: list[DNode] = []
    heads = {id(nodes[k]): k for k in tops if k >= 0}
    for program in programs:
        out.append(program)
        key = -1 if program is preamble else heads.get(id(program))
        if key is None:
            continue
        for node in tops.get(key, []):
            if not (node.split or node.only):
                continue
            if node.parent is not None:
                node.parent.items = [x for x in node.parent.items if x is not node]
                node.parent = None
            out.append(node)
    return out


def _unknown_sources(programs: list[DNode]) -> list[tuple[DNode, bool]]:
    """Splits of items naming a source no program names become stated sums (``only:`` is dropped)."""
    known = {k for p in programs for k, _ in p.split} | {p.only for p in programs if p.only}
    stated = []
    for program in programs:
        for node in _walk(program)[1:]:
            if node.only and node.only not in known:
                node.only = None
            if node.split and node.total is not None and any(k not in known for k, _ in node.split):
                node.figures = {key_name(k): f for k, f in node.split}
                stated.append((node, node.split_partial))
                node.split = []
    return stated


def _paths(node: DNode, parent: str, refs: dict[tuple[int, int], str]) -> None:
    node.path = f"{parent}/{node.id}" if parent else node.id
    if node.total is not None:
        refs[node.total.key] = f"{node.path}:total"
    for key, fig in node.split:
        refs[fig.key] = f"{node.path}:{key}"
    for key, fig in node.shares:
        refs[fig.key] = f"{node.path}:shares/{key}"
    for key, fig in node.figures.items():
        refs[fig.key] = f"{node.path}:{key}"
    for item in node.items:
        _paths(item, node.path, refs)


def _note(claim: Claim) -> str:
    total = claim.total
    assert total is not None
    sign = {"product": " × ", "equal": " = "}.get(claim.kind, " + ")
    parts = sign.join(f"{p.label} {p.value} {p.unit} @{p.line}" for p in claim.parts)
    text = f"{total.label} {total.value} {total.unit} @{total.line} ← {parts}"
    return text + (f" ({claim.why})" if claim.why else "")
