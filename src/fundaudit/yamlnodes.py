"""Safe YAML composition that keeps line numbers and the scalars' text.

YAML is composed into a node tree (never constructed into objects), so a figure written
``12.10`` stays the text ``12.10`` and every node keeps its line. Tags other than YAML's
core ones, aliases (anchors reused), duplicate keys and over-deep nesting are errors.
"""

from __future__ import annotations

import operator
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from fundaudit.errors import LoadError, os_reason
from fundaudit.i18n import N_, _
from fundaudit.numbers import shown

Node = yaml.Node
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_LIBYAML_DEPTH = 1000  # the nesting libyaml itself refuses, since PyYAML 6.0.4
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_NULL_TAG, _STR_TAG, _SEQ_TAG, _MAP_TAG = (_CORE + t for t in ("null", "str", "seq", "map"))
_SCALAR, _SEQUENCE = yaml.ScalarNode, yaml.SequenceNode


try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):
    """libyaml's safe loader, with a resolver that tells only null from text.

    The loader reads every scalar's text, so the regular expressions that tell int, float,
    bool and timestamp apart (run on every scalar) would be wasted. It notes the longest
    untagged scalar, which lets :func:`compose` skip the tree check when nothing can fail it.
    """

    longest = 0
    unprintable = False
    # The composer calls these two for every node, for path resolvers, of which this loader has
    # none (they would return at once): builtins of the same arity, whose results it ignores,
    # instead of two Python calls a node.
    descend_resolver = staticmethod(operator.is_)  # type: ignore[assignment]
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is _SCALAR:
            if len(value) > self.longest:
                self.longest = len(value)
            if not value.isprintable():
                self.unprintable = True
            return _NULL_TAG if implicit[0] and value in _NULLS else _STR_TAG
        return _SEQ_TAG if kind is _SEQUENCE else _MAP_TAG


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits (documented in the README); each is a clear error when exceeded."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 64
    max_scalar: int = 64 * 1024


class Unreadable(Exception):
    """A path that cannot be read as a data file; the message says why, in words."""


_KINDS = (
    (stat.S_ISDIR, N_("a folder")),
    (stat.S_ISFIFO, N_("a named pipe (FIFO)")),
    (stat.S_ISCHR, N_("a character device")),
    (stat.S_ISBLK, N_("a block device")),
    (stat.S_ISSOCK, N_("a socket")),
)


def read_limited(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, refusing anything else before reading it.

    The size is checked on the file's status before a byte is read (a 2 GB sparse file is
    refused at once) and the read itself is bounded (a file that grows meanwhile, or a
    ``/proc`` file that reports no size, cannot exceed ``max_bytes`` either). A folder, a
    FIFO or a device is refused by what it is: it is opened non-blocking, so a FIFO never hangs.
    Raises :class:`Unreadable`.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise Unreadable(_("file does not exist")) from None
    except IsADirectoryError:
        raise Unreadable(_("is a folder, not a file")) from None
    except OSError as exc:
        raise Unreadable(_("cannot read file: {value}").format(value=os_reason(exc))) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), N_("not a regular file"))
            raise Unreadable(_("is {kind}, not a file").format(kind=_(kind)))
        if info.st_size > max_bytes:
            raise Unreadable(
                _("file is larger than {max_bytes} bytes ({st_size} bytes)").format(
                    max_bytes=max_bytes, st_size=info.st_size
                )
            )
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise Unreadable(_("file is larger than {max_bytes} bytes").format(max_bytes=max_bytes))
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(_("cannot read file: {value}").format(value=os_reason(exc))) from None
    finally:
        os.close(fd)


def line_of(node: Node) -> int:
    line: int = node.start_mark.line
    return line + 1


def column_of(node: Node) -> int:
    return int(node.start_mark.column) + 1


def compose(text: bytes, file: str, limits: Limits) -> tuple[Node | None, list[LoadError]]:
    """Compose ``text`` into a YAML node tree, or return the errors that prevent it."""
    if len(text) > limits.max_bytes:
        return None, [LoadError(file, 1, _("file is larger than {max_bytes} bytes").format(max_bytes=limits.max_bytes))]
    if text[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in text[:4]:
        return None, [LoadError(file, 1, _("file is UTF-16 or UTF-32 text, not UTF-8; save it as UTF-8"))]
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = text[: exc.start].count(b"\n") + 1
        return None, [LoadError(file, line, _("not UTF-8 text"))]
    if not decoded.strip():
        return None, [LoadError(file, 1, _("file is empty"))]
    refused, shallow = _prescan(decoded, file, limits)
    if refused is not None:
        return None, [refused]
    loader = _Loader(decoded)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else 1
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
        if "maximum nesting depth" in problem:  # libyaml (PyYAML >= 6.0.4) stops at 1000 levels
            return None, [
                LoadError(
                    file, line, _("nesting deeper than {value}").format(value=min(limits.max_depth, _LIBYAML_DEPTH))
                )
            ]
        said = (
            _("invalid YAML at column {column}: {problem}").format(column=int(mark.column) + 1, problem=problem)
            if mark is not None
            else _("invalid YAML: {problem}").format(problem=problem)
        )
        return None, [LoadError(file, line, said)]
    except yaml.reader.ReaderError as exc:
        line = decoded.count("\n", 0, exc.position) + 1
        column = exc.position - decoded.rfind("\n", 0, exc.position)
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        return None, [
            LoadError(
                file,
                line,
                _("{char} at column {column} is not allowed in YAML").format(char=_char_name(char), column=column),
            )
        ]
    except yaml.YAMLError as exc:
        return None, [LoadError(file, 1, _("invalid YAML: {problem}").format(problem=" ".join(str(exc).split())))]
    finally:
        loader.dispose()
    if root is None:
        return None, [LoadError(file, 1, _("file is empty"))]
    errors: list[LoadError] = []
    # No anchor, shallow nesting, no tag (a tag needs "!"), no long scalar and no scalar with a
    # character outside printable text: nothing to find.
    if not (shallow and "!" not in decoded and loader.longest <= limits.max_scalar and not loader.unprintable):
        _check_tree(root, file, limits, errors)
    return (root if not errors else None), errors


def _prescan(text: str, file: str, limits: Limits) -> tuple[LoadError | None, bool]:
    """Refuse what would hurt the composer: over-deep nesting (libyaml recurses) and aliases.

    Runs over the parser's events, which needs no recursion, before any node is built, unless
    the cheap bound of :func:`_shallow` holds (then the second value is True).
    """
    if text.startswith("\ufeff"):
        return LoadError(file, 1, _("file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")), False
    if "\r\n" in text and "\n" in text.replace("\r\n", ""):
        line = text.replace("\r\n", "\x00").split("\n")[0].count("\x00") + 1
        return LoadError(file, line, _("mixed line endings (CRLF and LF); use one kind")), False
    odd = _RAW.search(text)
    if odd is not None:
        line = text.count("\n", 0, odd.start()) + 1
        column = odd.start() - text.rfind("\n", 0, odd.start())
        why = (
            _("use spaces (YAML parsers disagree about tabs)")
            if odd.group() == "\t"
            else _("end lines with a plain line break")
        )
        return LoadError(
            file,
            line,
            _("{char} at column {column}: {why}").format(char=_char_name(odd.group()), column=column, why=why),
        ), False
    if _shallow(text, limits.max_depth):
        return None, True
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = int(event.start_mark.line) + 1 if event.start_mark is not None else 1
            if isinstance(event, yaml.AliasEvent):
                return LoadError(file, line, _("YAML aliases (*name) are not allowed")), False
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                return LoadError(file, line, _("YAML anchors (&name) are not allowed")), False
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > limits.max_depth:
                    return LoadError(
                        file, line, _("nesting deeper than {max_depth}").format(max_depth=limits.max_depth)
                    ), False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None, False  # the composer reports syntax errors with their line
    return None, False


# Raw characters that YAML parsers read differently: a tab (libyaml accepts one after a key,
# PyYAML's own parser refuses it) and the line breaks other than LF and CRLF (YAML counts them
# as new lines, editors and this file's line numbers do not).
_RAW = re.compile("[\t\x85\u2028\u2029]|\r(?!\n)")


def _char_name(char: str) -> str:
    """A character in words: ``a tab``, ``the character U+200B (ZERO WIDTH SPACE)``."""
    if char == "\t":
        return _("a tab")
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char)
    if name:
        return _("the character U+{code:04X} ({name})").format(code=ord(char), name=name)
    kind = _NAMELESS.get(unicodedata.category(char), N_("character"))
    return _("the {kind} U+{code:04X}").format(kind=_(kind), code=ord(char))


_NAMELESS = {
    "Cc": N_("control character"),
    "Co": N_("private-use character"),
    "Cn": N_("unassigned code point"),
    "Cs": N_("surrogate"),
}


_CONTROL_NAMES = {
    "\x85": "NEXT LINE",
    "\n": "LINE FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x07": "BELL",
    "\x00": "NULL",
}


def _unprintable(node: yaml.ScalarNode) -> str | None:
    """Why a scalar's text is refused: a character that is not printable text, or None.

    Control characters (ESC, BEL, NUL, a tab …), invisible format characters (U+200B, bidi
    overrides), line and paragraph separators and unassigned code points are refused in every
    scalar, so no report ever prints one. Line breaks are allowed only in block scalars
    (``|`` and ``>``), where they are visibly written as lines.
    """
    text = node.value
    if node.style in ("|", ">"):
        text = text.replace("\n", "")
    if text.isprintable():
        return None
    bad = next(c for c in text if not c.isprintable() and c != " ")
    return _("{char} is not allowed in text (write it out or remove it)").format(char=_char_name(bad))


_QUOTED = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\n]*(?:\'\'[^\'\n]*)*\'')
_PREFIX = re.compile(r"^[ \-?:]*", re.MULTILINE)
_PAIR = re.compile(r"\[[^\[\]{}\n]*\]|\{[^\[\]{}\n]*\}")


def _shallow(text: str, max_depth: int) -> bool:
    """True when the text surely has no anchor or alias and nests less than ``max_depth`` deep.

    A cheap, sound bound instead of a pass over the parser's events: two block levels need at
    least one more column of indentation or compact ``- `` prefix, so block depth is at most
    2 × (the longest line prefix + 1); flow brackets (outside quotes) add at most their depth
    on one line, provided every line closes what it opens. Anything else (a flow collection
    spanning lines, an ``&`` or ``*`` anywhere) falls back to the event pass.
    """
    if "&" in text or "*" in text:
        return False
    block = 2 * (max(len(p) for p in _PREFIX.findall(text)) + 1)
    if block >= max_depth:
        return False
    text = _QUOTED.sub("", text)
    flow = 0
    while True:  # each pass removes the innermost bracket pairs of every line: one level
        text, removed = _PAIR.subn("", text)
        if not removed:
            break
        flow += 1
        if block + flow + 2 >= max_depth:
            return False
    return not any(c in text for c in "[]{}")  # a flow collection spans lines, or does not close


def _check_tree(root: Node, file: str, limits: Limits, errors: list[LoadError]) -> None:
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            errors.append(
                LoadError(
                    file,
                    line_of(node),
                    _("YAML anchors and aliases are not allowed (this anchored node is reused by an alias)"),
                )
            )
            continue
        seen.add(id(node))
        if depth > limits.max_depth:
            errors.append(
                LoadError(file, line_of(node), _("nesting deeper than {max_depth}").format(max_depth=limits.max_depth))
            )
            continue
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                errors.append(
                    LoadError(file, line_of(node), _("YAML tag {tag} is not allowed").format(tag=shown(node.tag)))
                )
            elif len(node.value) > limits.max_scalar:
                errors.append(
                    LoadError(
                        file,
                        line_of(node),
                        _("scalar longer than {max_scalar} characters").format(max_scalar=limits.max_scalar),
                    )
                )
            else:
                why = _unprintable(node)
                if why is not None:
                    errors.append(
                        LoadError(
                            file,
                            line_of(node),
                            _("text at column {value}: {why}").format(value=column_of(node), why=why),
                        )
                    )
        elif isinstance(node, yaml.SequenceNode):
            if node.tag != _CORE + "seq":
                errors.append(
                    LoadError(file, line_of(node), _("YAML tag {tag} is not allowed").format(tag=shown(node.tag)))
                )
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            if node.tag != _CORE + "map":
                errors.append(
                    LoadError(file, line_of(node), _("YAML tag {tag} is not allowed").format(tag=shown(node.tag)))
                )
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


def kind_name(node: Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return _("a mapping")
    if isinstance(node, yaml.SequenceNode):
        return _("a list")
    return _("the scalar {value}").format(value=shown(node.value, 60))


def pairs(node: yaml.MappingNode, file: str, errors: list[LoadError]) -> Iterator[tuple[str, Node, Node]]:
    """Yield ``(key text, key node, value node)``; a key seen twice is an error."""
    seen: dict[str, Node] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            errors.append(LoadError(file, line_of(key), _("mapping keys must be plain text")))
            continue
        text: str = key.value
        if "\n" in text:
            errors.append(LoadError(file, line_of(key), _("a key must be one line")))
            continue
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            errors.append(
                LoadError(
                    file,
                    line_of(key),
                    _(
                        "key {text} is not in Unicode normal form NFC "
                        "(it would differ from the same key typed directly); retype it"
                    ).format(text=shown(text)),
                )
            )
            continue
        if text in seen:
            errors.append(
                LoadError(
                    file,
                    line_of(key),
                    _("duplicate key {text} (first at line {value})").format(
                        text=shown(text), value=line_of(seen[text])
                    ),
                )
            )
            continue
        seen[text] = key
        yield text, key, value
