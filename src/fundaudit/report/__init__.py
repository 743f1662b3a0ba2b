"""Renderers: one per output format, chosen from one table.

Each format's module provides ``write(audit, show_all, out)``, which writes the findings to
the text stream ``out`` as they are worded (memory does not grow with their number), and
``render(audit, show_all)``, the same text as one string.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from fundaudit.runner import Audit

Renderer = Callable[[Audit, bool], str]
Writer = Callable[[Audit, bool, TextIO], None]


# format name -> module in fundaudit.report providing ``render(audit, show_all)`` and ``write``
_RENDERERS = {
    "text": "text",
    "json": "jsonout",
    "jsonl": "jsonl",
    "github": "github",
    "sarif": "sarif",
    "junit": "junit",
}
FORMATS = tuple(_RENDERERS)


def renderer(name: str) -> Renderer:
    """The renderer for a format name; only its module is imported."""
    module = importlib.import_module(f"fundaudit.report.{_RENDERERS[name]}")
    render: Renderer = module.render
    return render


def writer(name: str) -> Writer:
    """The streaming writer for a format name; only its module is imported."""
    module = importlib.import_module(f"fundaudit.report.{_RENDERERS[name]}")
    write: Writer = module.write
    return write
