from __future__ import annotations

import textwrap

from fundaudit.draft import extract
from fundaudit.draft.model import Found
from fundaudit.draft.readers import lines


def found(text: str) -> Found:
    """Run the whole pipeline on a few lines of inline text."""
    return extract(lines(textwrap.dedent(text).strip("\n") + "\n"))


def figs(text: str) -> list[tuple[str, str, int]]:
    return [(f.value, f.unit, f.line) for f in found(text).figures]


def claims(text: str) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """``(kind, total, parts, keys)`` of every claim, figures as ``"digits unit"``."""
    out = []
    for c in found(text).claims:
        total = f"{c.total.value} {c.total.unit}" if c.total else ""
        out.append((c.kind, total, tuple(f"{p.value} {p.unit}" for p in c.parts), c.keys))
    return out
