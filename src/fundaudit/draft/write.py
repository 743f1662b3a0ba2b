"""write: a drafted document as the documented data format (an entry file and one included file).

Figures are written in the compact form ``"<digits> <unit> @<line>"`` (the long form when a
bound was read). Every program, item, table and relation carries ``drafted: <pattern>``, the
id of the extractor that read it; a person confirms an element by deleting that line.
Strings are written as JSON strings, which YAML reads as double-quoted scalars.
"""

from __future__ import annotations

import json

from fundaudit.draft.model import Fig, TableDraft
from fundaudit.draft.relate import DNode, DraftDocument, key_name, table_id

HEADER = (
    "# Drafted by `fundaudit draft` from {source}: every element marked `drafted:` was read by a\n"
    "# pattern, not by a person. Check it against the source line it cites and delete the\n"
    "# `drafted:` line to confirm it.\n"
)


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def figure(fig: Fig) -> str:
    if fig.bound:
        return "{" + f"value: {q(fig.value)}, unit: {q(fig.unit)}, line: {fig.line}, bound: {fig.bound}" + "}"
    return q(f"{fig.value} {fig.unit} @{fig.line}")


def entry(doc: DraftDocument, include: str) -> str:
    lines = [
        "fundaudit: 1",
        "documents:",
        f"  - id: {doc.id}",
        f"    source: {q(doc.source)}",
        f"    title: {q(doc.title or doc.source)}",
        "    include:",
        f"      - {q(include)}",
    ]
    return "\n".join(lines) + "\n"


def document(doc: DraftDocument) -> str:
    out = [HEADER.format(source=doc.source).rstrip("\n")]
    out += [f"# NOT READ: {' '.join(p.split())}" for p in doc.problems]  # a pattern failed there
    out.append("programs:")
    for program in doc.programs:
        _node(program, out, "  ")
    if doc.relations:
        out.append("relations:")
        for rel in doc.relations:
            out.append(f"  - id: {rel.id}")
            out.append(f"    kind: {rel.kind}")
            out.append(f"    total: {q(rel.total)}")
            out.append("    parts: [" + ", ".join(q(p) for p in rel.parts) + "]")
            if rel.per:
                out.append(f"    per: {q(rel.per)}")
            out.append(f"    drafted: {rel.drafted}")
            out.append(f"    note: {q(rel.note)}")
    return "\n".join(out) + "\n"


def _node(node: DNode, out: list[str], ind: str) -> None:
    out.append(f"{ind}- id: {node.id}")
    ind += "  "
    out.append(f"{ind}name: {q(node.name)}")
    if node.line:
        out.append(f"{ind}line: {node.line}")
    out.append(f"{ind}drafted: {node.drafted}")
    if node.total is not None:
        out.append(f"{ind}total: {figure(node.total)}")
    if node.only:
        out.append(f"{ind}only: {q(node.only)}")
    if node.split:
        out.append(f"{ind}split:")
        for key, fig in node.split:
            out.append(f"{ind}  {q(key)}: {figure(fig)}")
        if node.split_partial:
            out.append(f"{ind}split_partial: true")
    if node.shares:
        out.append(f"{ind}shares:")
        out.append(f"{ind}  parts:")
        for key, fig in node.shares:
            out.append(f"{ind}    {q(key)}: {figure(fig)}")
        if node.shares_partial:
            out.append(f"{ind}  partial: true")
    if node.figures:
        out.append(f"{ind}figures:")
        for key, fig in node.figures.items():
            out.append(f"{ind}  {q(key)}: {figure(fig)}")
    if node.items:
        out.append(f"{ind}items:")
        for item in node.items:
            _node(item, out, ind + "  ")
    if node.tables:
        out.append(f"{ind}tables:")
        for table in node.tables:
            _table(table, out, ind + "  ")


def _table(t: TableDraft, out: list[str], ind: str) -> None:
    out.append(f"{ind}- id: {table_id(t)}")
    ind += "  "
    out.append(f"{ind}title: {q(t.title or f'table at line {t.line}')}")
    out.append(f"{ind}line: {t.line}")
    out.append(f"{ind}drafted: {t.pattern}")
    if t.unit:
        out.append(f"{ind}unit: {q(t.unit)}")
    out.append(f"{ind}columns:")
    for c in t.columns:
        fields = [f"name: {q(c.name)}"]
        if c.unit:
            fields.append(f"unit: {q(c.unit)}")
        if not c.foot:
            fields.append("foot: false")
        out.append(f"{ind}  - {{{', '.join(fields)}}}")
    if t.column_sums:
        out.append(f"{ind}column_sums:")
        for parent, children in t.column_sums:
            out.append(f"{ind}  {q(parent)}: [" + ", ".join(q(c) for c in children) + "]")
    if t.cumulative:
        of, *periods = t.cumulative
        out.append(f"{ind}schedules:")
        out.append(f"{ind}  - {{kind: cumulative, of: {q(of)}, periods: [" + ", ".join(q(p) for p in periods) + "]}")
    if t.products:
        out.append(f"{ind}products:")
        for amount, price, quantity in t.products:
            out.append(f"{ind}  - {{amount: {q(amount)}, price: {q(price)}, quantity: {q(quantity)}}}")
    out.append(f"{ind}rows:")
    for row in t.rows:
        fields = [f"id: r{row.line}", f"label: {q(key_name(row.label) if row.label else '-')}", f"line: {row.line}"]
        if row.unit:
            fields.append(f"unit: {q(row.unit)}")
        if row.role != "detail":
            fields.append(f"role: {row.role}")
        if row.sums:
            fields.append("sums: [" + ", ".join(f"r{t.rows[k].line}" for k in row.sums) + "]")
        if row.unit and (row.unit == "%" or "/" in row.unit):
            fields.append("cross: false")  # rates and shares are not summed across
        fields.append("cells: [" + ", ".join(q(c) for c in row.cells) + "]")
        out.append(f"{ind}  - {{{', '.join(fields)}}}")
