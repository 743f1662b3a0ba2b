"""Writing report files safely: atomic replacement, and cells that cannot act as formulas."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")


def neutralise(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula (=, +, -, @, tab, CR) with ``'``.

    Plain numbers such as ``-0.01`` are left as they are.
    """
    if text and text[0] in "=+-@\t\r" and not _NUMBER.match(text):
        return "'" + text
    return text


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
