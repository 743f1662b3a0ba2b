"""A line reader of the plain YAML that ``fundaudit fmt`` writes, for the quick path of the loader.

:func:`parse` reads a text only when every line is one it recognises with certainty, and then
gives exactly the tree libyaml composes (see :mod:`fundaudit.yamlnodes`), as plain Python
values: a mapping is a :class:`Map` (a dict, its keys in order), a list a :class:`Seq`, a
scalar its text (a ``str``), an empty one (``key:``) ``None``; each mapping and list keeps the line it
starts on and, written in block style, the line of each key or item. Anything else, and any
doubt, gives ``None``, and the file is read by the full composer, which says what is wrong.

What it reads: block mappings (one ``key: value`` or ``key:`` a line), block lists (``- item``,
``- key: value`` starting a mapping under the dash) indented deeper than their key, flow
collections that open and close on one line (``{a: b, c: d}``, ``[a, "b"]``, separated by
``", "`` and ``": "`` exactly), plain scalars that cannot be read two ways, quoted scalars
without escapes, blank lines and whole-line comments. It refuses (``None``): tabs, carriage
returns, a byte-order mark or any other character that is not printable; anchors, aliases
and tags; a null written as a word (``~``, ``null``); block scalars (``|``, ``>``) and any
scalar over two lines; explicit keys (``?``);
``#`` or ``: `` inside a plain scalar; a trailing space; document markers and directives;
duplicate keys, keys not in Unicode NFC, keys over 250 characters (libyaml's limit on a key
is 1024 bytes); nesting near ``max_depth``; a line longer than ``max_scalar``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_NULLS = frozenset(("~", "null", "Null", "NULL"))
# a plain scalar's first character: not an indicator, or a "-" before a digit (a negative number)
_FIRST = r"""(?:[^\s"'#&*!|>%@`?:,\[\]{}-]|-[0-9])"""
# a key, then ": " or ":" at the end of the line
_KEY = re.compile(
    _FIRST + r"""(?:[^#:,\[\]{}]*[^\s#:,\[\]{}])?(?=:(?: |\Z))|"[^"\\]*"(?=:(?: |\Z))|'(?:[^']|'')*'(?=:(?: |\Z))"""
)
_PLAIN = re.compile(_FIRST + r"[^#]*\Z")  # a plain scalar in block context (": " and a final ":" checked apart)
_DOUBLE = re.compile(r'"[^"\\]*"\Z')
_SINGLE = re.compile(r"'(?:[^']|'')*'\Z")
# the tokens of a flow collection: brackets, ", ", ": ", quoted and plain scalars
_TOKEN = re.compile(r"""[\[\]{}]|, |: |"[^"\\]*"|'(?:[^']|'')*'|""" + _FIRST + r"""(?:[^,\[\]{}#:]*[^\s,\[\]{}#:])?""")
_KEY_CHARS = 250
_MARKER = re.compile(r"^(?:---|\.\.\.)", re.MULTILINE)


class Map(dict[str, Any]):
    """A mapping: ``line`` where it starts; ``lines``, the line of each key (None: all on ``line``)."""

    __slots__ = ("line", "lines")
    line: int
    lines: dict[str, int] | None


class Seq(list[Any]):
    """A list: ``line`` where it starts; ``lines``, the line of each item (None: all on ``line``)."""

    __slots__ = ("line", "lines")
    line: int
    lines: list[int] | None


class _Doubt(Exception):
    """The text is not certainly read the same way as libyaml reads it."""


def parse(text: str, max_depth: int, max_scalar: int) -> Map | None:
    """The top mapping of ``text``, as libyaml composes it, or None (not certainly so, or not a mapping)."""
    if not text.replace("\n", "").isprintable():
        return None
    if " \n" in text or text[-1:] == " " or _MARKER.search(text):  # a trailing space, a document marker
        return None
    lines = text.split("\n")
    if max(map(len, lines)) > max_scalar:
        return None
    try:
        return _Reader(lines, max_depth).root()
    except (_Doubt, IndexError, RecursionError):
        return None


def _key(match: re.Match[str], known: set[str]) -> str:
    return _flow_key(match.group(), known)


def _scalar(text: str) -> str | None:
    """A scalar written on its own after ``key: `` or ``- `` (block context)."""
    first = text[0]
    if first == '"':
        if _DOUBLE.match(text) is None:
            raise _Doubt
        return text[1:-1]
    if first == "'":
        if _SINGLE.match(text) is None:
            raise _Doubt
        return text[1:-1].replace("''", "'")
    if _PLAIN.match(text) is None or ": " in text or text[-1] == ":":
        raise _Doubt
    if text in _NULLS:
        raise _Doubt  # a null written as a word (its node keeps the word)
    return text


class _Reader:
    def __init__(self, lines: list[str], max_depth: int) -> None:
        self.max_depth = max_depth - 2  # a margin: the composer's checks count scalars too
        self.keys: set[str] = set()  # keys found short and NFC
        # (line, indent, content) of each line but blank lines and comments
        self.rows = [
            (number, len(raw) - len(content), content)
            for number, raw in enumerate(lines, start=1)
            if (content := raw.lstrip(" ")) and content[0] != "#"
        ]

    def root(self) -> Map:
        rows = self.rows
        if not rows or rows[0][1] != 0:
            raise _Doubt
        top, at = self.mapping(0, 0, 1)
        if at != len(rows):
            raise _Doubt
        return top

    def row(self, at: int, end: int, indent: int) -> tuple[int, str] | None:
        """The line and content of row ``at`` of a block at ``indent``; None: the block has ended."""
        if at == end:
            return None
        number, here, content = self.rows[at]
        if here == indent:
            return number, content
        if here < indent:
            return None
        raise _Doubt  # deeper than the block, where nothing is expected

    def mapping(self, at: int, indent: int, depth: int) -> tuple[Map, int]:
        if depth > self.max_depth:
            raise _Doubt
        rows, keys = self.rows, self.keys
        end = len(rows)
        out = Map()
        out.line = rows[at][0]
        out.lines = lines = {}
        while (row := self.row(at, end, indent)) is not None:
            number, content = row
            match = _KEY.match(content)
            if match is None:
                raise _Doubt
            key = _key(match, keys)
            if key in out:
                raise _Doubt
            rest = content[match.end() + 2 :]
            at += 1
            value: Any
            if rest:
                value = self.inline(rest, number, depth + 1)
            elif at < end and rows[at][1] > indent:
                deeper = rows[at][1]
                if rows[at][2][:2] == "- ":
                    value, at = self.sequence(at, deeper, depth + 1)
                else:
                    value, at = self.mapping(at, deeper, depth + 1)
            else:
                value = None
            out[key] = value
            lines[key] = number
        return out, at

    def sequence(self, at: int, indent: int, depth: int) -> tuple[Seq, int]:
        if depth > self.max_depth:
            raise _Doubt
        rows = self.rows
        end = len(rows)
        out = Seq()
        out.line = rows[at][0]
        out.lines = lines = []
        while (row := self.row(at, end, indent)) is not None:
            number, content = row
            if content[:2] != "- ":
                raise _Doubt
            rest = content[2:]
            if not rest or rest[0] == " ":
                raise _Doubt
            lines.append(number)
            if _KEY.match(rest) is not None:  # "- key: value": a mapping under the dash
                rows[at] = (number, indent + 2, rest)
                value, at = self.mapping(at, indent + 2, depth + 1)
            else:
                value = self.inline(rest, number, depth + 1)
                at += 1
            out.append(value)
        return out, at

    def inline(self, text: str, number: int, depth: int) -> Any:
        """A value written on its line after ``key: `` or ``- ``."""
        if text[0] not in "[{":
            return _scalar(text)
        tokens = _TOKEN.findall(text)
        if "".join(tokens) != text:
            raise _Doubt
        value, at = self.flow(tokens, 0, number, depth)
        if at != len(tokens):
            raise _Doubt
        return value

    def flow(self, tokens: list[str], at: int, number: int, depth: int) -> tuple[Any, int]:
        """The flow collection at ``tokens[at]`` (a bracket), and the index after it."""
        if depth > self.max_depth:
            raise _Doubt
        keys = self.keys
        opening = tokens[at]
        is_map = opening == "{"
        if not is_map and opening != "[":
            raise _Doubt
        closing = "}" if is_map else "]"
        out: Any = {} if is_map else []
        at += 1
        if tokens[at] == closing:
            return out, at + 1
        while True:
            if is_map:
                token = tokens[at]
                key = token if token in keys else _flow_key(token, keys)
                if tokens[at + 1] != ": " or key in out:
                    raise _Doubt
                at += 2
            token = tokens[at]
            first = token[0]
            value: Any
            if first in "[{":
                value, at = self.flow(tokens, at, number, depth + 1)
            else:
                if first == '"':
                    value = token[1:-1]
                elif first in "]},:'":
                    value = _flow_scalar(token)
                else:
                    if token in _NULLS:
                        raise _Doubt
                    value = token
                at += 1
            if is_map:
                out[key] = value
            else:
                out.append(value)
            token = tokens[at]
            if token == ", ":
                at += 1
            elif token == closing:
                return out, at + 1
            else:
                raise _Doubt


def _flow_scalar(token: str) -> str | None:
    first = token[0]
    if first == '"':
        return token[1:-1]
    if first == "'":
        return token[1:-1].replace("''", "'")
    if first in "]},:":
        raise _Doubt
    if token in _NULLS:
        raise _Doubt
    return token


def _flow_key(token: str, known: set[str]) -> str:
    """A key's text; ``known`` holds the plain keys already found short and in NFC."""
    if token in known:
        return token
    first = token[0]
    if first in "[]{},:":
        raise _Doubt
    if first == '"':
        key = token[1:-1]
    elif first == "'":
        key = token[1:-1].replace("''", "'")
    else:
        key = token
    if len(token) > _KEY_CHARS or key in _NULLS or not (key.isascii() or unicodedata.is_normalized("NFC", key)):
        raise _Doubt  # too long for libyaml, a null key, a key not in NFC
    if key is token:
        known.add(key)
    return key
