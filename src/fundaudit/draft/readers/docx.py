"""Word (``.docx``), read with python-docx: paragraphs and tables in document order.

Each paragraph is one line followed by a blank line; each table row is one line of tab-separated cells (a merged cell
is written once, then empty), so tables read as the plain-text seeds' tables do.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # a Word file is a zip: what it unpacks to is bounded too


def read(path: Path) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _refuse_a_bomb(path)
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


def _refuse_a_bomb(path: Path) -> None:
    """Refuse a Word file whose parts unpack to more than :data:`MAX_UNPACKED_BYTES` (a zip
    bomb of a few MB would otherwise take gigabytes). The sizes are the zip's own headers; the
    reader never unpacks more than a header says (Python's zipfile stops there)."""
    from fundaudit.draft.readers import ReadError
    from fundaudit.i18n import _

    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except zipfile.BadZipFile:
        return  # python-docx says what is wrong with it
    if unpacked > MAX_UNPACKED_BYTES:
        raise ReadError(
            _("{path}: the Word file unpacks to {size} bytes, more than {limit}: not read").format(
                path=path, size=f"{unpacked:,}", limit=f"{MAX_UNPACKED_BYTES:,}"
            )
        )


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
