"""PDF with a text layer (no OCR), read with pdfplumber.

Each page's tables (pdfplumber's ``find_tables``) become tab-separated lines; the rest of the
page is its text lines (``extract_text``) with the tables' area cropped away. A page with no
text layer is reported, never silently skipped.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from fundaudit.i18n import _

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # what the compressed streams of one PDF may unpack to
_STREAM = re.compile(rb"stream\r?\n")


def read(path: Path) -> str:
    import pdfplumber

    _refuse_a_bomb(path)
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


def _refuse_a_bomb(path: Path) -> None:
    """Refuse a PDF whose compressed (Flate) streams unpack to more than
    :data:`MAX_UNPACKED_BYTES`: a 1 MB file of one stream can unpack to gigabytes, which the PDF
    reader would hold in memory. Each stream is unpacked in bounded steps and counted, never
    kept; a stream that is not Flate data (or is encrypted) is left to the reader."""
    from fundaudit.draft.readers import ReadError

    data = path.read_bytes()
    total = 0
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        inflate = zlib.decompressobj()
        pending = data[match.end() : end if end >= 0 else len(data)]
        try:
            while pending and total <= MAX_UNPACKED_BYTES:
                total += len(inflate.decompress(pending, 1 << 20))
                pending = inflate.unconsumed_tail
        except zlib.error:
            continue
        if total > MAX_UNPACKED_BYTES:
            raise ReadError(
                _("{path}: the PDF's streams unpack to more than {limit} bytes: not read").format(
                    path=path, limit=f"{MAX_UNPACKED_BYTES:,}"
                )
            )
