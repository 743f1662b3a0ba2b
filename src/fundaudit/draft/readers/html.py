"""A web page (``.html``), parsed with BeautifulSoup (html.parser: no extra C library).

Scripts, styles, comments and navigation are dropped; each block element (p, div, li,
h1–h6, br) is one paragraph (a line, then a blank line); each table row (tr) is one line
of tab-separated cells, a ``colspan`` cell followed by empty cells, so a header row spans
its sub-columns as in the plain-text seeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "title", "caption"}


def read(path: Path) -> str:
    from bs4 import BeautifulSoup

    from fundaudit.draft.readers.txt import decode

    soup = BeautifulSoup(decode(path.read_bytes(), str(path)), "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "head"]):
        tag.decompose()
    out: list[str] = []
    _walk(soup, out, [""])
    return "\n\n".join(line.strip() for line in out if line.strip()) + "\n"


_END = object()  # marks the end of a block element's children on the walk's stack


def _walk(node: Any, out: list[str], current: list[str]) -> None:
    """The text of ``node``'s children in document order, walked with a stack, not recursion:
    a page of 200,000 nested ``<div>`` reads as any other."""
    from bs4.element import NavigableString, PreformattedString, Tag

    stack: list[Iterator[Any]] = [iter(node.children)]
    while stack:
        child = next(stack[-1], _END)
        if child is _END:
            stack.pop()
            if stack and stack[-1] is _CLOSE:
                stack.pop()
                _flush(out, current)
            continue
        if isinstance(child, PreformattedString):
            continue  # a comment, the doctype, CDATA
        if isinstance(child, NavigableString):
            current[0] += " ".join(str(child).split()) if str(child).strip() else ""
        elif isinstance(child, Tag):
            if child.name == "table":
                _flush(out, current)
                rows: list[str] = []
                for tr in child.find_all("tr"):
                    cells: list[str] = []
                    for td in tr.find_all(["td", "th"]):
                        cells.append(" ".join(td.get_text(" ").split()))
                        span = str(td.get("colspan") or "1")
                        cells.extend([""] * (int(span) - 1 if span.isdigit() else 0))
                    rows.append("\t".join(cells))
                out.append("\n".join(rows))  # one chunk: a table's rows stay together
            elif child.name == "br":
                _flush(out, current)
            elif child.name in _BLOCKS:
                _flush(out, current)
                stack.append(_CLOSE)  # flush again when its children end
                stack.append(iter(child.children))
            else:
                stack.append(iter(child.children))


_CLOSE: Iterator[Any] = iter(())  # on the stack below a block element's children


def _flush(out: list[str], current: list[str]) -> None:
    if current[0].strip():
        out.append(current[0])
    current[0] = ""
