"""Readers: one document file into numbered lines of plain text.

``READERS`` maps a file suffix to its reader. A reader returns the text the draft cites; a
reader of a format other than plain text also lets the caller write that text as a ``.txt``
next to the draft, so every ``@line`` stays checkable by ``verify-sources``. The libraries
for Word, HTML and PDF are optional extras (``pip install 'fundaudit[draft]'``), imported
inside their reader only: ``fundaudit check`` of YAML never loads them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fundaudit.draft.model import Line, Text
from fundaudit.draft.readers import docx, html, pdf, txt
from fundaudit.i18n import N_, _


class ReadError(ValueError):
    """The document cannot be read (missing file, unknown format, missing extra, bad bytes)."""


Reader = Callable[[Path], str]

READERS: dict[str, Reader] = {
    ".txt": txt.read,
    ".text": txt.read,
    ".docx": docx.read,
    ".html": html.read,
    ".htm": html.read,
    ".pdf": pdf.read,
}

PACKAGES = {
    "docx": "python-docx",
    "bs4": "beautifulsoup4",
    "pdfplumber": "pdfplumber",
    "charset_normalizer": "charset-normalizer",
}
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # as for data files
MISSING_EXTRA = N_("{path}: reading {suffix} needs the Python package {package}: pip install 'fundaudit[draft]'")


def read_text(path: Path) -> str:
    """The document's plain text (lines separated by ``\\n``); :class:`ReadError` when it cannot be read."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise ReadError(
            _("{path}: cannot draft a {suffix} file (known: {known})").format(
                path=path, suffix=path.suffix or _("suffix-less"), known=known
            )
        )
    from fundaudit.yamlnodes import Unreadable, read_limited

    try:  # a regular file within the limit (a FIFO, /dev/zero or a 3 GB file is refused, not read)
        read_limited(path, MAX_DOCUMENT_BYTES)
    except Unreadable as exc:
        raise ReadError(f"{path}: {exc}") from None
    try:
        text = reader(path)
    except ModuleNotFoundError as exc:
        package = PACKAGES.get((exc.name or "").split(".")[0], exc.name)
        raise ReadError(_(MISSING_EXTRA).format(path=path, suffix=path.suffix, package=package)) from None
    except ReadError:
        raise
    except Exception as exc:  # a broken file of any format is a clear error, never a traceback
        raise ReadError(
            _("{path}: cannot read as {suffix}: {error}: {exc}").format(
                path=path, suffix=path.suffix, error=type(exc).__name__, exc=exc
            )
        ) from None
    return clean(text)


def clean(text: str) -> str:
    """One line ending (``\\n``), no byte-order mark, no control characters but tab."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127))


def lines(text: str) -> Text:
    """Numbered lines (1-based) of a plain text."""
    return tuple(Line(i, t) for i, t in enumerate(text.split("\n"), start=1))
