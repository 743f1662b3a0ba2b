"""Renderers: one per output format, chosen from one table."""

from __future__ import annotations

from collections.abc import Callable

from fundaudit.audit import Audit

Renderer = Callable[[Audit, bool], str]


def renderer(name: str) -> Renderer:
    """The renderer for a format name (``text``, ``json``)."""
    if name == "text":
        from fundaudit.report.text import render as text

        return text
    if name == "json":
        from fundaudit.report.jsonout import render as json_

        return json_
    raise KeyError(name)


FORMATS = ("text", "json")
