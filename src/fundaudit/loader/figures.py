"""One figure: ``"<digits> <unit> @<source line>"`` (or its long form) into a :class:`Figure`."""

from __future__ import annotations

import yaml

from fundaudit.i18n import N_, _
from fundaudit.loader.context import (
    _BOUNDS,
    _CANONICAL,
    _FIGURE,
    MAX_LINE,
    _Ctx,
    _fields,
    _line_number,
    _mapping,
    _Scope,
    _text,
)
from fundaudit.model import (
    Figure,
)
from fundaudit.numbers import MAX_DECIMALS, MAX_DIGITS, NumberError, Written, parse_number, shown
from fundaudit.units import Unit, UnitError, parse_unit
from fundaudit.yamlnodes import kind_name, line_of, pairs

_LINE_DIGITS = len(str(MAX_LINE))
_SHORT = min(MAX_DIGITS, MAX_DECIMALS + 1)  # no number this long breaks a limit of parse_number


def _figure(ctx: _Ctx, scope: _Scope, node: yaml.Node, ref: str, label: str) -> Figure | None:
    """A figure in compact form ``12.10 亿元 @93`` or long form ``{value, unit, line, …}``."""
    file = scope.file
    bound = note = None
    if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
        text = str(node.value)
        canonical = _CANONICAL.match(text)
        if canonical is not None:
            num, unit_text, line_text = canonical.groups()
            line: str | int = int(line_text) if len(line_text) < _LINE_DIGITS else line_text  # no sign, no 0
            if num[0] != "-" and len(num) <= _SHORT and type(line) is int:
                # the common case, which nothing can refuse but the unit: parse_number's result, directly
                try:
                    unit = parse_unit(unit_text)
                except UnitError:
                    pass
                else:
                    whole, _dot, decimals = num.partition(".")
                    fig = Figure(
                        ref,
                        label,
                        Written(int(whole + decimals), -len(decimals)),
                        unit,
                        ctx.loc(scope.source, line),
                        ctx.loc(file, node.start_mark.line + 1),
                        None,
                        None,
                        scope.drafted,
                    )
                    return ctx.add_figure(fig)
            return _make_figure(ctx, scope, node, ref, label, num, unit_text, line)
        m = _FIGURE.match(text)
        if m is None or not m.group("num"):
            ctx.error(
                file,
                node,
                _("{label}: {text} is not a figure (expected '<number> <unit> @<line>')").format(
                    label=label, text=shown(text, 24)
                ),
            )
            return None
        num, unit_text, line_text = m.group("num"), m.group("unit"), m.group("line")
        if unit_text is None:
            ctx.error(file, node, _("{label}: figure {text} has no unit").format(label=label, text=shown(text, 24)))
            return None
        if line_text is None:
            ctx.error(
                file,
                node,
                _("{label}: figure {text} has no source line (@LINE)").format(label=label, text=shown(text, 24)),
            )
            return None
    elif isinstance(node, yaml.MappingNode):
        f = _fields(
            ctx,
            file,
            node,
            ctx.word(N_("figure {label}")).format(label=label),
            {"value", "unit", "line", "bound", "note"},
            {"value", "unit", "line"},
        )
        if not {"value", "unit", "line"} <= f.keys():
            return None
        num = _text(ctx, file, f["value"], f"{label} value")
        unit_text = _text(ctx, file, f["unit"], f"{label} unit")
        line_text = _text(ctx, file, f["line"], f"{label} line")
        if "bound" in f:
            bound = _text(ctx, file, f["bound"], f"{label} bound")
            if bound is not None and bound not in _BOUNDS:
                ctx.error(
                    file,
                    f["bound"],
                    _("{label}: bound {bound} must be one of {value}").format(
                        label=label, bound=shown(bound), value=", ".join(_BOUNDS)
                    ),
                )
        if "note" in f:
            note = _text(ctx, file, f["note"], f"{label} note")
        if num is None or unit_text is None or line_text is None:
            return None
    else:
        ctx.error(
            file,
            node,
            _("{label} must be a figure ('<number> <unit> @<line>'), not {kind}").format(
                label=label, kind=kind_name(node)
            ),
        )
        return None
    return _make_figure(ctx, scope, node, ref, label, num, unit_text, line_text, bound, note)


def _make_figure(
    ctx: _Ctx,
    scope: _Scope,
    node: yaml.Node,
    ref: str,
    label: str,
    num: str,
    unit_text: str | Unit,
    line_text: str | int,
    bound: str | None = None,
    note: str | None = None,
) -> Figure | None:
    file = scope.file
    if isinstance(unit_text, Unit):
        unit: Unit | None = unit_text
    else:
        try:
            unit = parse_unit(unit_text)
        except UnitError as exc:
            ctx.error(file, node, _("{label}: {exc}").format(label=label, exc=exc))
            unit = None
    value: Written | None = None
    if (
        unit is not None and unit.is_money and num.startswith("-") and num[1:2].isdigit()
    ):  # -0 and -0.00 too: no sign is lost
        ctx.error(
            file,
            node,
            _("{label}: negative amount {num}: budgets state amounts, not signed balances").format(
                label=label, num=shown(num, 24)
            ),
        )
    else:
        try:
            value = parse_number(num)
        except NumberError as exc:
            ctx.error(file, node, _("{label}: {exc}").format(label=label, exc=exc))
    line = line_text if isinstance(line_text, int) else _line_number(ctx, file, node, line_text, label)
    if value is None or unit is None or line is None:
        return None
    fig = Figure(
        ref, label, value, unit, ctx.loc(scope.source, line), ctx.loc(file, line_of(node)), bound, note, scope.drafted
    )
    return ctx.add_figure(fig)


def _unit(ctx: _Ctx, file: str, node: yaml.Node) -> Unit | None:
    text = _text(ctx, file, node, "unit")
    if text is None:
        return None
    try:
        return parse_unit(text)
    except UnitError as exc:
        ctx.error(file, node, str(exc))
        return None


def _named_figures(ctx: _Ctx, scope: _Scope, node: yaml.Node | None, prefix: str, what: str) -> tuple[Figure, ...]:
    if node is None:
        return ()
    m = _mapping(ctx, scope.file, node, what)
    if m is None:
        return ()
    out = []
    for key, _k, value in pairs(m, scope.file, ctx.errors):
        fig = _figure(ctx, scope, value, prefix + key, key)
        if fig is not None:
            out.append(fig)
    return tuple(out)
