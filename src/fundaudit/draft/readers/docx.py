"""Word (``.docx``), read with python-docx: paragraphs and tables in document order.

Each paragraph is one line followed by a blank line; each table row is one line of tab-separated cells (a merged cell
is written once, then empty), so tables read as the plain-text seeds' tables do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def read(path: Path) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    out: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.extend((Paragraph(child, document).text, ""))
        elif tag == "tbl":
            out.append("")
            out.extend(_rows(Table(child, document)))
            out.append("")
    return "\n".join(out)


def _rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            key = id(cell._tc)
            cells.append("" if key in seen else " ".join(cell.text.split()))
            seen.add(key)
        rows.append("\t".join(cells))
    return rows
