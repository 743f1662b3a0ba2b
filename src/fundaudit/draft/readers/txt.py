"""Plain text: UTF-8, or GB18030 (GBK, GB2312) when the bytes are not UTF-8.

The encoding is detected: strict UTF-8 first (the common case, and unambiguous), then strict
GB18030, then charset-normalizer's best guess for anything else.
"""

from __future__ import annotations

from pathlib import Path

from fundaudit.i18n import _


def read(path: Path) -> str:
    return decode(path.read_bytes(), str(path))


def decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        from fundaudit.draft.readers import ReadError

        raise ReadError(
            _("{name}: not text in UTF-8, GB18030 or any encoding charset-normalizer knows").format(name=name)
        )
    return str(best)
