"""The state of one load (errors, figures by reference) and the readers of plain YAML nodes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from fundaudit.errors import LoadError
from fundaudit.model import (
    Figure,
    Loc,
)
from fundaudit.yamlnodes import Limits, compose, kind_name, line_of, pairs

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


# the compact form as ``fundaudit fmt`` writes it; anything else goes through _FIGURE's checks
_CANONICAL = re.compile(r"(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?) ([^\s@0-9.,，,０-９．+-][^\s@]*) @([1-9][0-9]*)\Z")


_FIGURE = re.compile(r"\s*(?P<num>[^\s@]*?)\s*(?P<unit>[^\s@0-9.,，,０-９．+-][^\s@]*)?\s*(?:@\s*(?P<line>\S*))?\s*\Z")


_BOUNDS = ("min", "max", "approx")


MAX_DIGITS = 40  # far beyond any budget; keeps hostile input from making huge integers


_RELATION_KINDS = ("sum", "sum-partial", "equal", "cumulative", "product")


@dataclass
class _Ctx:
    """Mutable state of one load: the errors so far and every figure by reference."""

    limits: Limits
    errors: list[LoadError] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    by_ref: dict[str, Figure] = field(default_factory=dict)
    locs: dict[tuple[str, int], Loc] = field(default_factory=dict)

    def loc(self, file: str, line: int) -> Loc:
        """The one :class:`Loc` of ``file:line`` (figures on a line share it)."""
        found = self.locs.get((file, line))
        if found is None:
            found = self.locs[file, line] = Loc(file, line)
        return found

    def error(self, file: str, node: yaml.Node | int, message: str) -> None:
        line = node if isinstance(node, int) else line_of(node)
        self.errors.append(LoadError(file, line, message))

    def add_figure(self, fig: Figure, node: yaml.Node) -> Figure:
        if fig.ref in self.by_ref:
            other = self.by_ref[fig.ref]
            self.error(fig.yaml.file, node, f"duplicate figure {fig.ref!r} (first at line {other.yaml.line})")
        else:
            self.by_ref[fig.ref] = fig
            self.figures.append(fig)
        return fig


@dataclass(frozen=True)
class _Scope:
    """Where we are: the YAML file, the document and its source file."""

    file: str
    doc: str
    source: str
    drafted: str | None = None  # ``drafted:`` of the enclosing node or table (fundaudit draft)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(ctx: _Ctx, path: Path, display: str) -> yaml.Node | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        ctx.error(display, 1, f"cannot read file: {exc.strerror or exc}")
        return None
    root, errors = compose(data, display, ctx.limits)
    ctx.errors.extend(errors)
    return root


def _mapping(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> yaml.MappingNode | None:
    if isinstance(node, yaml.MappingNode):
        return node
    ctx.error(file, node, f"{what} must be a mapping, not {kind_name(node)}")
    return None


def _seq(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return []
    ctx.error(file, node, f"{what} must be a list, not {kind_name(node)}")
    return []


def _text(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> str | None:
    if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
        return str(node.value)
    ctx.error(file, node, f"{what} must be text, not {kind_name(node)}")
    return None


def _bool(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> bool:
    if isinstance(node, yaml.ScalarNode) and node.value in ("true", "false"):
        return bool(node.value == "true")
    ctx.error(file, node, f"{what} must be true or false, not {kind_name(node)}")
    return False


def _line_number(ctx: _Ctx, file: str, node: yaml.Node, text: str, what: str) -> int | None:
    if text.isdigit() and text.isascii() and int(text) >= 1:
        return int(text)
    ctx.error(file, node, f"{what}: source line {text!r} must be a positive whole number")
    return None


def _id(ctx: _Ctx, file: str, node: yaml.Node, what: str) -> str | None:
    text = _text(ctx, file, node, what)
    if text is not None and not _ID.match(text):
        ctx.error(file, node, f"{what} {text!r} must match [a-z0-9][a-z0-9_-]*")
        return None
    return text


def _fields(
    ctx: _Ctx,
    file: str,
    node: yaml.MappingNode,
    what: str,
    allowed: set[str],
    required: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, yaml.Node]:
    out: dict[str, yaml.Node] = {}
    for key, knode, value in pairs(node, file, ctx.errors):
        if key not in allowed:
            ctx.error(file, knode, f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
            continue
        out[key] = value
    for key in sorted(required - out.keys()):
        ctx.error(file, node, f"{what} has no {key!r}")
    return out


def _null() -> yaml.Node:
    return yaml.ScalarNode("tag:yaml.org,2002:null", "")
