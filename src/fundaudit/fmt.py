"""``fundaudit fmt``: rewrite the data in canonical form, losing nothing.

Comments, key order, flow or block style and every figure's written digits are kept
(ruamel.yaml's round-trip mode). What changes: indentation (2 per mapping level, list
dashes indented 2 under their key), figure strings spaced as ``<number> <unit> @<line>``,
trailing whitespace, and a single newline at the end of the file. ``fmt`` is idempotent and
``load(fmt(x))`` has the same figures and relations as ``load(x)``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import ScalarString

_FIGURE = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*([^\s@0-9.][^\s@]*)\s*@\s*([0-9]+)\s*$")


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def canonical_figure(text: str) -> str:
    """``'12.10亿元 @ 93'`` → ``'12.10 亿元 @93'``; anything else is returned unchanged."""
    m = _FIGURE.match(text)
    return f"{m.group(1)} {m.group(2)} @{m.group(3)}" if m else text


def _walk(node: Any) -> None:
    if isinstance(node, CommentedMap):
        for key in list(node.keys()):
            node[key] = _fixed(node[key])
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            node[i] = _fixed(value)


def _fixed(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, ScalarString):
        return canonical_figure(value)
    if isinstance(value, ScalarString):
        fixed = canonical_figure(str(value))
        return value if fixed == str(value) else type(value)(fixed)
    _walk(value)
    return value


def format_text(text: str) -> str:
    """The canonical form of one data file's text."""
    y = _yaml()
    doc = y.load(text)
    _walk(doc)
    out = io.StringIO()
    y.dump(doc, out)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    return "\n".join(lines).rstrip("\n") + "\n"


def data_files(entry: Path) -> list[Path]:
    """The entry file and every file it includes (documents' and top-level includes)."""
    y = YAML(typ="safe")
    doc = y.load(entry.read_text(encoding="utf-8")) or {}
    files = [entry]
    for d in doc.get("documents") or []:
        for inc in (d or {}).get("include") or []:
            files.append(entry.parent / inc)
    for inc in doc.get("include") or []:
        files.append(entry.parent / inc)
    return [f for f in files if f.is_file()]


def signature(budget: Any) -> list[tuple[str, str, str, str, int]]:
    """What formatting must never change: every figure's reference, digits, unit and source line."""
    return sorted((f.ref, f.value.text(), f.unit.text, f.source.file, f.source.line) for f in budget.figures)
