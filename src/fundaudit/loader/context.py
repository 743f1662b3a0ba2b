"""The state of one load (errors, figures by reference) and the readers of plain YAML nodes."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from fundaudit.errors import LoadError
from fundaudit.i18n import _, ngettext, pgettext
from fundaudit.loader.cache import Light, Part
from fundaudit.model import (
    Figure,
    Loc,
)
from fundaudit.numbers import shown
from fundaudit.yamlnodes import Limits, Unreadable, compose, kind_name, line_of, pairs, read_limited

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


# the compact form as ``fundaudit fmt`` writes it; anything else goes through _FIGURE's checks
_CANONICAL = re.compile(r"(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?) ([^\s@0-9.,，,０-９．+-][^\s@]*) @([1-9][0-9]*)\Z")


_FIGURE = re.compile(r"\s*(?P<num>[^\s@]*?)\s*(?P<unit>[^\s@0-9.,，,０-９．+-][^\s@]*)?\s*(?:@\s*(?P<line>\S*))?\s*\Z")


_BOUNDS = ("min", "max", "approx")


_PATH_SHOWN = 200  # characters of a path quoted in a message
MAX_LINE = 999_999_999  # a source line number; fits every output's 32-bit line column


_RELATION_KINDS = ("sum", "sum-partial", "equal", "cumulative", "product")


@dataclass
class _Ctx:
    """Mutable state of one load: the errors so far and every figure by reference."""

    limits: Limits
    errors: list[LoadError] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    by_ref: dict[str, Figure] = field(default_factory=dict)
    locs: dict[tuple[str, int], Loc] = field(default_factory=dict)
    unloaded: list[str] = field(default_factory=list)  # files that could not be read or composed
    unresolved: list[LoadError] = field(default_factory=list)  # references held back while files failed
    words: dict[str, str] = field(default_factory=dict)  # see word()
    cache: Path | None = None  # the folder of loaded files (fundaudit.loader.cache), None: off
    stored: list[tuple[str, Part]] = field(default_factory=list)  # files read from YAML, to store
    entries: list[tuple[str, bytes]] = field(default_factory=list)  # files read by workers, to store
    # included files being read ahead (fundaudit.loader.parallel), by cache key: each gives the
    # part and its cache entry (None: read here), or None when it must be read in the usual way
    # (with the blocks of fundaudit.loader.fast, a worker gives the file's block instead: a Light part)
    prepared: dict[str, Callable[[], tuple[Part | Light, bytes | None, bytes | None] | None]] = field(
        default_factory=dict
    )
    blocks: list[tuple[str, bytes]] = field(default_factory=list)  # block entries made by workers, to store
    # the included files in the order they are read, when the check's columns are made from
    # their blocks (fundaudit.loader.fast): a Light part, or (key, part, document, source)
    light: list[Light | tuple[str, Part, str, str]] | None = None
    resolved: dict[Path, Path] = field(default_factory=dict)  # see _resolved_once

    def add_part(self, part: Part) -> None:
        """Register the figures of a file taken from the cache, as if they had been read now."""
        refs = [fig.ref for fig in part.figures]
        if self.by_ref.keys().isdisjoint(refs) and len(set(refs)) == len(refs):  # the usual case, at C speed
            self.by_ref.update(zip(refs, part.figures, strict=True))
            self.figures.extend(part.figures)
            return
        for fig in part.figures:
            self.add_figure(fig)

    def word(self, message: str) -> str:
        """``_(message)``, looked up once per load (the language does not change during one).

        For the names of what is read (``a row``, ``row id``) that every element passes to the
        readers below in case it is wrong: translated once, not once per row.
        """
        found = self.words.get(message)
        if found is None:
            found = self.words[message] = _(message)
        return found

    def no_figure(self, file: str, node: yaml.Node, text: str) -> None:
        """A reference that names no figure: an error, or, while some file failed to load, held back.

        A reference into a file that could not be loaded fails only because of that file; those are
        summarised in one line by :meth:`finish` instead of one error each before the real one.
        """
        error = LoadError(file, line_of(node), _("reference {text} names no figure").format(text=shown(text)))
        (self.unresolved if self.unloaded else self.errors).append(error)

    def finish(self) -> None:
        """Summarise the references held back by :meth:`no_figure` in one line."""
        if self.unresolved:
            first = min(self.unresolved)
            failed = ", ".join(dict.fromkeys(self.unloaded))
            n = len(self.unresolved)
            self.errors.append(
                LoadError(
                    first.file,
                    first.line,
                    ngettext(
                        "{n} reference names no figure (first here); "
                        "not checked further because {failed} could not be loaded",
                        "{n} references name no figure (first here); "
                        "not checked further because {failed} could not be loaded",
                        n,
                    ).format(n=n, failed=failed),
                )
            )
            self.unresolved.clear()

    def loc(self, file: str, line: int) -> Loc:
        """The one :class:`Loc` of ``file:line`` (figures on a line share it)."""
        found = self.locs.get((file, line))
        if found is None:
            found = self.locs[file, line] = Loc(file, line)
        return found

    def error(self, file: str, node: yaml.Node | int, message: str) -> None:
        line = node if isinstance(node, int) else line_of(node)
        self.errors.append(LoadError(file, line, message))

    def add_figure(self, fig: Figure) -> Figure:
        """Register ``fig`` under its reference; a second figure of the same one is an error at its line."""
        other = self.by_ref.setdefault(fig.ref, fig)
        if other is fig:
            self.figures.append(fig)
        else:
            self.error(
                fig.yaml.file,
                fig.yaml.line,
                _("duplicate figure {ref} (first at line {line})").format(ref=shown(fig.ref), line=other.yaml.line),
            )
        return fig


@dataclass(frozen=True)
class _Scope:
    """Where we are: the YAML file, the document and its source file."""

    file: str
    doc: str
    source: str
    drafted: str | None = None  # ``drafted:`` of the enclosing node or table (fundaudit draft)


def _display(path: Path, cwd: Path | None = None) -> str:
    """How ``path`` is shown: relative to the working folder when inside it (``cwd``: that folder
    resolved, when the caller has it), else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve() if cwd is None else cwd))
    except ValueError:
        return str(path)


def _resolved_once(ctx: _Ctx, path: Path) -> Path:
    """``path.resolve()``, once per load (the working folder and the entry file's folder, asked for every include)."""
    got = ctx.resolved.get(path)
    if got is None:
        got = ctx.resolved[path] = path.resolve()
    return got


def _read(
    ctx: _Ctx, path: Path, display: str, at: tuple[str, yaml.Node] | None = None, name: str = ""
) -> yaml.Node | None:
    """Compose the file at ``path``; a file that cannot be read is an error at ``at`` (its include)."""
    data = _read_bytes(ctx, path, display, at, name)
    return None if data is None else _compose(ctx, data, display)


def _read_bytes(
    ctx: _Ctx, path: Path, display: str, at: tuple[str, yaml.Node] | None = None, name: str = ""
) -> bytes | None:
    """The bytes of the file at ``path``; a file that cannot be read is an error at ``at`` (its include)."""
    try:
        return read_limited(path, ctx.limits.max_bytes)
    except Unreadable as exc:
        if at is None:
            ctx.errors.append(LoadError(display, 0, str(exc), stage=0))
        else:
            ctx.errors.append(
                LoadError(
                    at[0],
                    line_of(at[1]),
                    _("included file {name}: {exc}").format(name=shown(name, _PATH_SHOWN), exc=exc),
                    stage=0,
                )
            )
        ctx.unloaded.append(display)
        return None


def _compose(ctx: _Ctx, data: bytes, display: str) -> yaml.Node | None:
    """Compose a file's bytes; a file that is not YAML within the limits is an error."""
    root, errors = compose(data, display, ctx.limits)
    if root is None:
        errors = [replace(e, stage=0) for e in errors]
        ctx.unloaded.append(display)
    ctx.errors.extend(errors)
    return root


def _mapping(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> yaml.MappingNode | None:
    if isinstance(node, yaml.MappingNode):
        return node
    ctx.error(file, node, _("{what} must be a mapping, not {kind}").format(what=what, kind=kind_name(node)))
    return None


def _seq(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return []
    ctx.error(file, node, _("{what} must be a list, not {kind}").format(what=what, kind=kind_name(node)))
    return []


def _text(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> str | None:
    """The text of a scalar; only a note may hold line breaks (as a ``|`` or ``>`` block)."""
    if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
        if "\n" in node.value and what.rsplit(" ", 1)[-1] != "note":
            ctx.error(file, node, _("{what} must be one line: only a note may hold line breaks").format(what=what))
            return None
        return str(node.value)
    ctx.error(file, node, _("{what} must be text, not {kind}").format(what=what, kind=kind_name(node)))
    return None


def _bool(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> bool:
    if isinstance(node, yaml.ScalarNode) and node.value in ("true", "false"):
        return bool(node.value == "true")
    ctx.error(file, node, _("{what} must be true or false, not {kind}").format(what=what, kind=kind_name(node)))
    return False


def _valid_line(text: str) -> int | None:
    """The source line ``text`` states, or None when it is not a valid one (see :func:`_line_number`)."""
    if text.isdigit() and text.isascii() and len(text) <= len(str(MAX_LINE)) and 1 <= int(text) <= MAX_LINE:
        return int(text)
    return None


def _line_number(ctx: _Ctx, file: str, node: yaml.Node, text: str, what: str) -> int | None:
    line = _valid_line(text)
    if line is not None:
        return line
    if text.isdigit() and text.isascii() and text.strip("0"):
        ctx.error(
            file,
            node,
            _("{what}: source line {text} is beyond the last possible line ({MAX_LINE})").format(
                what=what, text=shown(text, 24), MAX_LINE=MAX_LINE
            ),
        )
    else:
        ctx.error(
            file,
            node,
            _("{what}: source line {text} must be a positive whole number").format(what=what, text=shown(text, 24)),
        )
    return None


def _id(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> str | None:
    text = _text(ctx, file, node, what)
    if text is not None and not _ID.match(text):
        ctx.error(file, node, _("{what} {text} must match [a-z0-9][a-z0-9_-]*").format(what=what, text=shown(text)))
        return None
    return text


def _fields(
    ctx: _Ctx,
    file: str,
    node: yaml.MappingNode,
    what: str,
    allowed: AbstractSet[str],
    required: AbstractSet[str] = frozenset(),
) -> dict[str, yaml.Node]:
    out: dict[str, yaml.Node] = {}
    for key, knode, value in pairs(node, file, ctx.errors):
        if key not in allowed:
            ctx.error(
                file,
                knode,
                _("unknown key {key} in {what} (allowed: {value})").format(
                    key=shown(key), what=pgettext("data element", what), value=", ".join(sorted(allowed))
                ),
            )
            continue
        out[key] = value
    if out.keys() >= required:
        return out
    for key in sorted(required - out.keys()):
        ctx.error(file, node, _("{what} has no {key}").format(what=pgettext("data element", what), key=shown(key)))
    return out


def _null() -> yaml.Node:
    return yaml.ScalarNode("tag:yaml.org,2002:null", "")
