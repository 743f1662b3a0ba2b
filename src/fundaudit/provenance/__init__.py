"""Provenance: the data checked against the source documents it cites."""

from __future__ import annotations

import os
from pathlib import Path

from fundaudit.errors import os_reason
from fundaudit.i18n import _


class SourcesError(ValueError):
    """The source documents folder is missing or a document cannot be read."""


def sources_dir(option: Path | None) -> Path:
    """``--sources`` if given, else ``FUNDAUDIT_SOURCES``; an error when neither names a folder."""
    value = (
        option
        if option is not None
        else (Path(os.environ["FUNDAUDIT_SOURCES"]) if os.environ.get("FUNDAUDIT_SOURCES") else None)
    )
    if value is None:
        raise SourcesError(_("no source documents folder: give --sources DIR or set FUNDAUDIT_SOURCES"))
    if not value.is_dir():
        raise SourcesError(_("source documents folder {folder} does not exist").format(folder=value))
    return value


def read_lines(folder: Path, name: str, cache: dict[str, list[str]]) -> list[str]:
    """The lines of one source document (cached); raises SourcesError if it cannot be read."""
    if name not in cache:
        path = folder / name
        try:
            cache[name] = path.read_text(encoding="utf-8").split("\n")
        except OSError as exc:
            raise SourcesError(
                _("{path}: cannot read source document: {reason}").format(path=path, reason=os_reason(exc))
            ) from None
        except UnicodeDecodeError:
            raise SourcesError(_("{path}: source document is not UTF-8 text").format(path=path)) from None
    return cache[name]
