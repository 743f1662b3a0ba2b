"""PDF with a text layer (no OCR), read with pdfplumber.

Each page's tables (pdfplumber's ``find_tables``) become tab-separated lines; the rest of the
page is its text lines (``extract_text``) with the tables' area cropped away. A page with no
text layer is reported, never silently skipped.
"""

from __future__ import annotations

from pathlib import Path

from fundaudit.i18n import _


def read(path: Path) -> str:
    import pdfplumber

    out: list[str] = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            tables = page.find_tables()
            rest = page
            for table in tables:
                rest = rest.outside_bbox(table.bbox)
            text = rest.extract_text() or ""
            out.extend(text.split("\n"))
            for table in tables:
                out.append("")
                for row in table.extract():
                    out.append("\t".join(" ".join((c or "").split()) for c in row))
                out.append("")
    if not any(line.strip() for line in out):
        from fundaudit.draft.readers import ReadError

        raise ReadError(
            _("{path}: no text layer (a scanned PDF needs OCR first, which fundaudit does not do)").format(path=path)
        )
    return "\n".join(out) + "\n"
