"""``fundaudit fmt``: rewrite the data in canonical form, losing nothing.

Comments, key order, flow or block style, every scalar's text and every figure's written
digits are kept (ruamel.yaml's round-trip mode, with every plain scalar read as the string
it is written as, so ``+12``, ``0x1F``, ``~`` or ``yes`` stay as written). What changes:
indentation (2 per mapping level, list dashes indented 2 under their key), figure strings
spaced as ``<number> <unit> @<line>``, trailing whitespace, and a single newline at the end
of the file. Only a scalar the loader reads as a figure is respaced: ``note: 12 亿元 @ 7``
stays as written. An empty value in a flow collection (``{a: }``) is written ``null``.
``fmt`` is idempotent, and the command writes nothing unless every file, read back, holds
exactly the same data (every key and scalar, figures respaced only) and the same figures.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tag import Tag

from fundaudit.i18n import _
from fundaudit.report.escape import text as shown

_FIGURE = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*([^\s@0-9.][^\s@]*)\s*@\s*([0-9]+)\s*$")
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"

# (YAML line, digits, unit, source line) of each figure the loader read from one file
FigureSpots = Counter[tuple[int, str, str, int]]


class FormatError(ValueError):
    """A data file that ``fmt`` cannot read back as the loader does; the message names file and line."""


class _Plain(VersionedResolver):
    """Every plain scalar is the string it is written as (an empty one is null)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return Tag(suffix=_NULL if value == "" else _STR)
        return super().resolve(kind, value, implicit)


def _yaml(typ: str = "rt") -> YAML:
    y = YAML(typ=typ, pure=True)
    y.Resolver = _Plain
    if typ == "rt":
        y.preserve_quotes = True
        y.width = 4096
        y.indent(mapping=2, sequence=4, offset=2)
    return y


def canonical_figure(text: str) -> str:
    """``'12.10亿元 @ 93'`` → ``'12.10 亿元 @93'``; anything else is returned unchanged."""
    m = _FIGURE.match(text)
    return f"{m.group(1)} {m.group(2)} @{m.group(3)}" if m else text


def _spot(text: str, line: int) -> tuple[int, str, str, int] | None:
    m = _FIGURE.match(text)
    return (line, m.group(1), m.group(2), int(m.group(3))) if m else None


def _children(node: Any) -> Iterator[tuple[Any, Any, int]]:
    """(key or index, value, 1-based line of the value) of a mapping or a sequence."""
    if isinstance(node, CommentedMap):
        for key in list(node.keys()):
            yield key, node[key], node.lc.value(key)[0] + 1
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            yield i, value, node.lc.item(i)[0] + 1


def _candidates(node: Any, found: Counter[tuple[int, str, str, int]]) -> None:
    for _key, value, line in _children(node):
        if isinstance(value, str):
            spot = _spot(str(value), line)
            if spot is not None:
                found[spot] += 1
        else:
            _candidates(value, found)


def _walk(node: Any, allowed: FigureSpots | None) -> None:
    for key, value, line in _children(node):
        if isinstance(value, str):
            spot = _spot(str(value), line)
            if spot is None or (allowed is not None and spot not in allowed):
                continue
            fixed = canonical_figure(str(value))
            if fixed != str(value):
                node[key] = type(value)(fixed) if isinstance(value, ScalarString) else fixed
        else:
            _walk(value, allowed)


def format_text(text: str, figures: FigureSpots | None = None, name: str = "<text>") -> str:
    """The canonical form of one data file's text.

    ``figures`` are the spots where the loader read a figure: only a scalar there is
    respaced, and only when the line holds as many such scalars as figures (else it is
    left as written). ``None`` respaces every scalar written like a figure (for text known
    to hold nothing else).
    """
    y = _yaml()
    try:
        doc = y.load(text)
    except Exception as exc:  # ruamel raises many types; the message is what matters
        raise FormatError(_where(name, exc)) from None
    allowed = None
    if figures is not None:
        found: Counter[tuple[int, str, str, int]] = Counter()
        _candidates(doc, found)
        allowed = Counter({spot: n for spot, n in found.items() if figures.get(spot) == n})
    _walk(doc, allowed)
    out = io.StringIO()
    y.dump(doc, out)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    return "\n".join(lines).rstrip("\n") + "\n"


def _where(name: str, exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = f":{mark.line + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{name}{line}: fmt cannot read this file as written ({problem}); nothing was written"


def plain_data(text: str, name: str = "<text>") -> Any:
    """The data of a file with every scalar as written (for comparing before and after)."""
    try:
        return _yaml("safe").load(text)
    except Exception as exc:
        raise FormatError(_where(name, exc)) from None


def same_data(before: Any, after: Any) -> bool:
    """True when ``after`` is ``before`` with at most figure strings respaced."""
    if isinstance(before, dict) and isinstance(after, dict):
        return list(before) == list(after) and all(same_data(before[k], after[k]) for k in before)
    if isinstance(before, list) and isinstance(after, list):
        return len(before) == len(after) and all(same_data(a, b) for a, b in zip(before, after, strict=True))
    if isinstance(before, str) and isinstance(after, str):
        return after == before or after == canonical_figure(before)
    return type(before) is type(after) and before == after


def figure_spots(budget: Any) -> dict[str, FigureSpots]:
    """Per YAML file (its resolved path), where each figure was read."""
    spots: dict[str, FigureSpots] = {}
    for f in budget.figures:
        key = (f.yaml.line, f.value.text(), f.unit.text, f.source.line)
        spots.setdefault(str(Path(f.yaml.file).resolve()), Counter())[key] += 1
    return spots


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def data_files(entry: Path) -> list[Path]:
    """The entry file and every file it includes (documents' and top-level includes).

    An include that is not a string, or names a file outside the entry's folder (after
    resolving symbolic links), is a ``FormatError``: ``fmt`` rewrites only the data folder.
    """
    doc = plain_data(entry.read_text(encoding="utf-8"), str(entry))
    root = entry.parent.resolve()
    includes: list[Any] = []
    if isinstance(doc, dict):
        for d in _list(doc.get("documents")):
            if isinstance(d, dict):
                includes += _list(d.get("include"))
        includes += _list(doc.get("include"))
    files = [entry]
    for inc in includes:
        if not isinstance(inc, str):
            raise FormatError(_("{path}: an include is not a file name").format(path=entry))
        path = entry.parent / inc
        if not path.resolve().is_relative_to(root):
            raise FormatError(
                _("{path}: include '{include}' is outside the data folder; fmt writes only inside it").format(
                    path=entry, include=shown(inc)
                )
            )
        files.append(path)
    return [f for f in files if f.is_file()]


def signature(budget: Any) -> list[tuple[str, str, str, str, int]]:
    """What formatting must never change: every figure's reference, digits, unit and source line."""
    return sorted((f.ref, f.value.text(), f.unit.text, f.source.file, f.source.line) for f in budget.figures)
