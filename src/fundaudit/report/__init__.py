"""Renderers: one per output format, chosen from one table."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from fundaudit.runner import Audit

Renderer = Callable[[Audit, bool], str]


# format name -> module in fundaudit.report providing ``render(audit, show_all)``
_RENDERERS = {
    "text": "text",
    "json": "jsonout",
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
