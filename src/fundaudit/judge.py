"""Evaluate relations exactly, in one vectorized pass over scaled integers.

The figures of a relation are scaled to one integer grid: ``value × 10**-E`` in the base unit
(元, 人, 亩 …), where ``E`` is one below the finest written digit among them, so each figure
and each half-unit rounding allowance is a whole number. No amount ever passes through float.

This module is the reference: :func:`explain` evaluates one relation in Python integers and
words its finding. :mod:`fundaudit.columnar.numpy_engine` gives the same verdicts to a whole table of
relations in one vectorized pass; the shown findings are then worded here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from fundaudit.findings import Finding, Relation, Verdict, revision_of
from fundaudit.i18n import _, translations
from fundaudit.i18n.terms import display_width
from fundaudit.model import Figure
from fundaudit.numbers import format_scaled, trailing
from fundaudit.tolerance import DEFAULT, Tolerance
from fundaudit.units import Unit


@dataclass(frozen=True, slots=True)
class _Grid:
    """The integer grid of one dimension: scaled value = figure × 10**-exp (base unit)."""

    exp: int

    def allowance(self, fig: Figure, tolerance: Tolerance) -> int:
        """Half a unit of the figure's last written digit on this grid (0 when it counts as exact)."""
        h = tolerance.half_unit_exponent(fig)
        return 0 if h is None else 5 * 10 ** (h - self.exp)

    def scaled(self, fig: Figure) -> int:
        shift = fig.value.exponent + fig.unit.pow10 - self.exp
        assert shift >= 0, "the grid is finer than every figure"
        return int(fig.value.coefficient * 10**shift)


def _render(n: int, exp: int, keep: int) -> str:
    """``n × 10**exp`` as plain decimal text, trailing zeros trimmed to ``keep`` decimals."""
    n, zeros = trailing(n, 10, -keep - exp)
    exp += zeros
    if exp >= 0:
        return str(n * 10**exp) if exp else str(n)
    return format_scaled(n, exp)


def _places(rel: Relation) -> int:
    """Decimals needed to show the relation's figures in the total's unit."""
    return places(rel.total.unit.pow10, [f.value.exponent + f.unit.pow10 for f in (rel.total, *rel.parts)])


def places(pow10: int, exponents: Sequence[int]) -> int:
    """Decimals needed to show figures of base-unit exponents ``exponents`` in a unit of ``pow10``."""
    return max(0, *(pow10 - e for e in exponents))


def evaluate(relations: Sequence[Relation], tolerance: Tolerance = DEFAULT) -> list[Finding]:
    """Give every relation its verdict, as findings in the order of ``relations``."""
    return [explain(rel, tolerance) for rel in relations]


def explain(rel: Relation, tolerance: Tolerance = DEFAULT) -> Finding:
    """The finding of one relation: its verdict, the figures, and a message an auditor can follow.

    This is the reference evaluation, one relation at a time in Python integers;
    :func:`verdicts` gives the same verdicts for a whole table at once.
    """
    problem = _problem(rel)
    if problem is not None:
        return problem
    if rel.kind in ("sum", "sum-le"):
        return _evaluate_sums([rel], tolerance)[0]
    return _evaluate_one(rel, tolerance)


def verdict(rel: Relation, tolerance: Tolerance = DEFAULT) -> Verdict:
    """The verdict :func:`explain` gives ``rel``, without wording its finding.

    Sums (nearly every relation) are judged here directly; the rarer kinds are explained.
    """
    return verdict_of(rel, rel.total, rel.parts, tolerance)


def verdict_of(rel: Relation, total: Figure, parts: tuple[Figure, ...], tolerance: Tolerance = DEFAULT) -> Verdict:
    """The verdict of ``rel`` with ``total`` and ``parts`` in place of its own figures.

    The causes re-judge many corrected relations: a sum or a product is judged from its
    figures, without building the corrected relation or wording a finding.
    """
    kind = rel.kind
    if kind not in ("sum", "sum-le", "product"):
        if total is not rel.total or parts != rel.parts:
            rel = rel.with_figures(total, parts)
        return explain(rel, tolerance).verdict
    unjudged = _unjudged(rel, total, parts)
    if unjudged is not None:
        return unjudged
    if kind == "product":  # the causes re-judge many products: the arithmetic alone, unworded
        terms = _product_terms_of(total, parts, tolerance)
        if terms is None:
            return Verdict.ERROR
        return _graded(terms[1] - terms[0], terms[2])
    _, _, diff, tol = _sum_terms_of(total, parts, tolerance)
    return _sum_verdict(rel, diff, tol)


def _sum_verdict(rel: Relation, diff: int, tol: int) -> Verdict:
    """total = Σ parts (``sum``) or total ≥ Σ parts (``sum-le``), within the tolerance ``tol``."""
    return sum_verdict(rel.kind, bool(rel.empty), rel.revision, diff, tol)


def sum_verdict(kind: str, empty: bool, revision: str | None, diff: int, tol: int) -> Verdict:
    """:func:`_sum_verdict` of a relation of ``kind``, with ``empty`` cells and a ``revision`` or not."""
    if kind == "sum-le":
        excess = -diff
        return (
            Verdict.MATCH
            if excess == 0
            else Verdict.WITHIN
            if excess < 0
            else Verdict.ROUNDING
            if excess <= tol
            else Verdict.MISMATCH
        )
    if diff == 0:
        return Verdict.MATCH
    if abs(diff) <= tol:
        return Verdict.ROUNDING
    if empty and kind == "sum" and diff > 0:
        return Verdict.INCOMPLETE  # empty cells may hold what the stated ones lack
    if revision:
        return Verdict.REVISED  # a later document states it differently (a supersedes link)
    return Verdict.MISMATCH


def _graded(diff: int, tol: int) -> Verdict:
    """An equation's verdict from its difference and its rounding allowance, on one grid."""
    return Verdict.MATCH if diff == 0 else Verdict.ROUNDING if abs(diff) <= tol else Verdict.MISMATCH


def _unjudged(rel: Relation, total: Figure, parts: tuple[Figure, ...]) -> Verdict | None:
    """Why a relation over these figures cannot be judged: parts not stated (``incomplete``),
    or a sum of figures of different dimensions (``error``); ``None`` when it can be."""
    if rel.missing:
        return Verdict.INCOMPLETE
    if rel.kind != "product":
        dim = total.unit.dimension
        if any(p.unit.dimension != dim for p in parts):
            return Verdict.ERROR
    return None


def _problem(rel: Relation) -> Finding | None:
    """The finding of a relation that cannot be judged (:func:`_unjudged`), worded."""
    verdict = _unjudged(rel, rel.total, rel.parts)
    if verdict is None:
        return None
    if verdict is Verdict.INCOMPLETE:
        said = _("cannot be checked, not stated: {missing}").format(missing=_list(rel.missing))
    else:
        units = ", ".join(sorted({f"{f.unit.text} ({f.unit.dimension})" for f in (rel.total, *rel.parts)}))
        said = _("mixes dimensions that cannot be added: {units}").format(units=units)
    return _finding(rel, verdict, "", "", "", _w(rel, said))


def _finding(
    rel: Relation,
    verdict: Verdict,
    parts_sum: str,
    diff: str,
    tol: str,
    message: str,
    hint: str | None = None,
    names: tuple[str, ...] | None = None,
) -> Finding:
    return Finding(
        id=rel.id,
        rule=rel.rule,
        verdict=verdict,
        total=rel.total.value.text(),
        unit=rel.total.unit.text,
        parts_sum=parts_sum,
        diff=diff,
        tolerance=tol,
        source=rel.total.source,
        location=rel.yaml,
        message=message,
        document=rel.document,
        program=rel.program,
        subject=rel.subject,
        parts=rel.parts,
        total_figure=rel.total,
        hint=hint,
        names=part_names(rel) if names is None else names,
    )


def _grid(figs: Sequence[Figure]) -> _Grid:
    return _Grid(min(f.value.exponent + f.unit.pow10 for f in figs) - 1)


def _evaluate_sums(rels: Sequence[Relation], tolerance: Tolerance) -> list[Finding]:
    """diff = total − Σ parts and tol = Σ allowances, in Python integers on each relation's grid."""
    out = []
    for rel in rels:
        grid, total, diff, tol = _sum_terms(rel, tolerance)
        out.append(_sum_finding(rel, total, diff, tol, grid.exp, tolerance))
    return out


def _sum_terms(rel: Relation, tolerance: Tolerance) -> tuple[_Grid, int, int, int]:
    """The relation's grid, its total on it, total − Σ parts, and the summed allowances."""
    exp, total, diff, tol = _sum_terms_of(rel.total, rel.parts, tolerance)
    return _Grid(exp), total, diff, tol


def _sum_terms_of(total: Figure, parts: Sequence[Figure], tolerance: Tolerance) -> tuple[int, int, int, int]:
    """The grid's exponent (one below the finest written digit), the total on it, total − Σ parts,
    and the summed allowances (as :class:`_Grid` computes them, without building one)."""
    half = tolerance.half_unit_exponent
    return sum_on_grid(
        (total.value.coefficient, total.value.exponent + total.unit.pow10, half(total)),
        [(p.value.coefficient, p.value.exponent + p.unit.pow10, half(p)) for p in parts],
    )


# the parts' names (part_names), or what names them when the message lists them: a listing too
# long for one line counts the parts without naming them (equation)
Names = tuple[str, ...] | Callable[[], tuple[str, ...]]
Term = tuple[int, int, "int | None"]  # a figure's coefficient, base-unit exponent and half-unit exponent


def sum_on_grid(total: Term, parts: Sequence[Term]) -> tuple[int, int, int, int]:
    """:func:`_sum_terms_of` of figures given as :data:`Term`: the grid's exponent, the total on
    it, total − Σ parts and the summed allowances."""
    tc, te, th = total
    g = min(te, *(e for _c, e, _h in parts)) - 1 if parts else te - 1
    tv = tc * 10 ** (te - g)
    diff = tv
    tol = 0 if th is None else 5 * 10 ** (th - g)
    for c, e, h in parts:
        diff -= c * 10 ** (e - g)
        if h is not None:
            tol += 5 * 10 ** (h - g)
    return g, tv, diff, tol


def _sum_finding(rel: Relation, total: int, diff: int, tol: int, exp: int, tolerance: Tolerance) -> Finding:
    names = part_names(rel)  # named once, for the message and the finding
    verdict, s_sum, s_diff, s_tol, message = sum_words(
        rel.rule,
        rel.kind,
        rel.subject,
        rel.empty,
        rel.revision,
        _figure(rel.total, _total_name(rel)),
        rel.total.unit.text,
        rel.total.unit.pow10,
        [(p.value.text(), p.unit.text) for p in rel.parts],
        names,
        (total, diff, tol, exp, _places(rel)),
    )
    return _finding(rel, verdict, s_sum, s_diff, s_tol, message, names=names)


def sum_words(
    rule: str,
    kind: str,
    subject: str,
    empty: tuple[str, ...],
    revision: str | None,
    total: str,
    unit: str,
    pow10: int,
    parts: Sequence[tuple[str, str]],
    names: Names,
    terms: tuple[int, int, int, int, int],
) -> tuple[Verdict, str, str, str, str]:
    """A sum's verdict, parts' sum, difference, tolerance and message, from words and numbers.

    ``total``: the total said (:func:`said`); ``unit``/``pow10``: its unit; ``parts``: each
    part's value and unit as written; ``names``: the parts' names (:func:`part_names`);
    ``terms``: the total on the grid, total − Σ parts, the allowance, the grid's exponent and
    the decimals to keep (:func:`sum_on_grid`, :func:`places`).
    """
    value, diff, tol, exp, keep = terms
    p = pow10
    parts_sum = value - diff
    verdict = sum_verdict(kind, bool(empty), revision, diff, tol)
    s_sum = _render(parts_sum, exp - p, keep)
    s_diff = _render(diff, exp - p, keep)
    s_tol = _render(tol, exp - p, keep + 1) if tol else "0"
    message = sum_said(rule, kind, subject, empty, revision, total, unit, parts, names, (verdict, s_sum, s_diff))
    return verdict, s_sum, s_diff, s_tol, message


def sum_said(
    rule: str,
    kind: str,
    subject: str,
    empty: tuple[str, ...],
    revision: str | None,
    total: str,
    unit: str,
    parts: Sequence[tuple[str, str]],
    names: Names,
    judged: tuple[Verdict, str, str],
) -> str:
    """:func:`sum_words`'s message, from its verdict, parts' sum and difference as written (``judged``)."""
    verdict, s_sum, s_diff = judged
    texts = _texts()
    if verdict is Verdict.INCOMPLETE:
        said = texts["incomplete"]
        body = said.format(total=total, n=len(parts), sum=s_sum, unit=unit, short=s_diff, cells=_cells(empty))
        return worded(rule, subject, body)
    op = (_LE_OPS if kind == "sum-le" else _OPS).get(verdict, "<" if kind == "sum-le" else "≠")
    if verdict is Verdict.MISMATCH:
        off = texts["off"].format(diff=s_diff, unit=unit)
    elif verdict is Verdict.WITHIN:
        off = texts["within"].format(diff=s_diff, unit=unit)
    elif verdict is Verdict.REVISED:
        off = texts["revised"].format(later=revision, diff=s_diff, unit=unit)
    else:  # match; rounding: ≈ says it is within the tolerance; -v gives the difference and tolerance
        off = ""
    if empty:
        off += (texts["semi"] if off else "") + texts["empty"].format(cells=_cells(empty))
    # the diagnosis (fundaudit.causes) comes later
    return equation(rule, subject, total, unit, parts, names, op, s_sum, off)


_OPS = {Verdict.MATCH: "=", Verdict.ROUNDING: "≈"}  # a sum's or product's operator (else ≠)
_LE_OPS = {Verdict.MATCH: "=", Verdict.WITHIN: "≥", Verdict.ROUNDING: "≈"}  # a partial sum's (else <)


# ---------------------------------------------------------------------------------------------
# Wording: one line an auditor reads at a glance (where is added by the renderer), the full
# arithmetic on demand (:func:`arithmetic`). Parts are named by what tells them apart.

WIDTH = 80  # characters of a message in one line (the renderer adds the locations, ~60 more)
_SEP = " › "


def _name(fig: Figure) -> str:
    """A figure's label as a name (an item's total is named by the item)."""
    return fig.label.removesuffix(" total")


def _total_name(rel: Relation) -> str:
    """The total's name, left out when it only repeats the subject's last name (the program's)."""
    return total_name(_name(rel.total), rel.subject)


def total_name(name: str, subject: str) -> str:
    """:func:`_total_name` of a total named ``name`` in ``subject``."""
    return "" if name == subject.split(_SEP)[-1] else name


def part_names(rel: Relation) -> tuple[str, ...]:
    """Each part's name: what tells it from the others (a table's row, an item, a source).

    A rule may name the parts (a column's cells by their rows); otherwise the labels, and
    where a label repeats, the source line that tells those parts apart.
    """
    if len(rel.names) == len(rel.parts):
        return rel.names
    return names_apart(rel.total.ref, [(p.ref, _name(p), p.source.line) for p in rel.parts])


def names_apart(total_ref: str, parts: Sequence[tuple[str, str, int]]) -> tuple[str, ...]:
    """:func:`part_names` from the total's ref and each part's ref, name and source line."""
    doc = total_ref.split("::", 1)[0]
    labels = [label for _ref, label, _line in parts]
    prefix = doc + "::"
    if len(set(labels)) == len(labels) and all(ref.startswith(prefix) for ref, _label, _line in parts):
        return tuple(labels)  # each label once, each part of the total's document: the labels
    return tuple(
        (label if labels.count(label) == 1 else _texts()["line"].format(line=line))
        if ref.split("::", 1)[0] == doc
        else f"{ref.split('::', 1)[0]} {label}"  # another document: named by it
        for ref, label, line in parts
    )


def part_names_of(f: Finding) -> tuple[str, ...]:
    """The parts' names of a finding (its labels when it has none)."""
    return f.names if len(f.names) == len(f.parts) else tuple(_name(p) for p in f.parts)


def _list(names: tuple[str, ...] | list[str]) -> str:
    return _texts()["comma"].join(names)


def _trimmed(number: str) -> str:
    """A decimal without trailing zeros after its point (``0.05000`` → ``0.05``), for messages."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def _cells(empty: tuple[str, ...]) -> str:
    """Empty cells named (always, for one), or counted when the names would not fit one line."""
    named = _list(empty)
    return named if len(empty) == 1 or len(named) <= 20 else _texts()["cells"].format(n=len(empty))


def _figure(fig: Figure, name: str, unit: str | None = None, full: bool = False) -> str:
    """``name value unit``, the unit left out when it is ``unit`` (the relation's).

    Unless ``full`` (``-v``), a name that only repeats the unit (``%``, ``搬迁任务 · 人``) is
    not said twice.
    """
    return said(name, fig.value.text(), fig.unit.text, unit, full)


def said(name: str, value: str, unit_text: str, unit: str | None = None, full: bool = False) -> str:
    """:func:`_figure` of a figure of ``value`` and ``unit_text`` as written."""
    shown = value if unit_text == unit else f"{value} {unit_text}"
    if not full:  # unit_free(name, unit_text)
        name = "" if name == unit_text else name.removesuffix(_AND + unit_text)
    return f"{name} {shown}".strip()


def _unit_free(fig: Figure, name: str) -> str:
    return unit_free(name, fig.unit.text)


def unit_free(name: str, unit: str) -> str:
    """``name`` without a last part that only repeats the figure's ``unit`` (``任务 · 人`` → ``任务``)."""
    return "" if name == unit else name.removesuffix(f"{_AND}{unit}")


_AND = " · "  # between the parts of a label (a sentence and its figure, a row and its column)


def distinct(names: Sequence[str]) -> tuple[str, ...]:
    """Names without the leading ``X · `` they all share (``任务 · 目标``, ``任务 · %`` → ``目标``, ``%``)."""
    if len(names) < 2:
        return tuple(names)
    for n in names:
        if _AND not in n:
            return tuple(names)
    if len({n.split(_AND, 1)[0] for n in names}) != 1:
        return tuple(names)
    return tuple(n.split(_AND, 1)[1] for n in names)


def _short_subject(subject: str, width: int) -> str:
    """The subject's first and last names (a program and its row or item), the last cut to fit.

    A long second name of two is the note of a stated relation (``-v`` shows it): left out.
    """
    if _SEP not in subject:  # one name: itself
        return subject
    names = subject.split(_SEP)
    if len(names) == 2 and len(names[1]) > 16:
        names = names[:1]
    keep = [names[0], names[-1]] if len(names) > 1 else names
    each = max(10, width - len(keep[0]) - len(_SEP))
    return _SEP.join([keep[0], *(n if len(n) <= each else n[: each - 1] + "…" for n in keep[1:])])


def relation_words(rule: str) -> str:
    """The relation a rule checks, in a few words (translated once per catalogue, not per finding)."""
    catalogue = translations()
    words = _RELATION_WORDS.get(catalogue)
    if words is None:
        words = _RELATION_WORDS[catalogue] = _relation_words()
    return words.get(rule, rule)


_RELATION_WORDS: dict[object, dict[str, str]] = {}  # catalogue -> each rule's words in its language
_TEXTS: dict[object, dict[str, str]] = {}  # catalogue -> the texts the word functions fill, in its language


def _texts() -> dict[str, str]:
    """The texts the word functions fill, in the current language (translated once per catalogue,
    not once per finding: a finding's message reads several)."""
    catalogue = translations()
    texts = _TEXTS.get(catalogue)
    if texts is None:
        texts = _TEXTS[catalogue] = {
            "incomplete": _("{total}; {n} stated: {sum} {unit}, {short} {unit} short; empty: {cells}"),
            "off": _("off by {diff} {unit}"),
            "within": _("{diff} {unit} not itemised"),
            "revised": _("revised by {later}: off by {diff} {unit}"),
            "semi": _("; "),
            "empty": _("empty cells as 0: {cells}"),
            "comma": _(", "),
            "cells": _("{n} cells"),
            "line": _("line {line}"),
            "counted": _("sum of {n}: {sum} {unit}"),
            "falls": _("the running total falls from {a} to {b}"),
            # TRANSLATORS: {relation} is the rule in a few words (列合计); English leaves it out, as the
            # rule's id beside the message says it already ([table-foot]).
            "head": _("{subject}: {body}"),
        }
    return texts


def _relation_words() -> dict[str, str]:
    return {
        "foot": _("items"),
        "cross-foot": _("funding sources"),
        "column-foot": _("items of a source"),
        "table-foot": _("column total"),
        "table-cross-foot": _("row total"),
        "stated-sum": _("stated parts"),
        "repeat": _("same figure"),
        "schedule": _("schedule"),
        "table-schedule": _("schedule"),
        "shares": _("shares"),
        "unit-cost": _("unit cost"),
        "cross-document": _("across documents"),
    }


def _w(rel: Relation, body: str) -> str:
    """``subject: relation: body``, the subject shortened to keep the line within :data:`WIDTH`."""
    return worded(rel.rule, rel.subject, body)


def worded(rule: str, subject: str, body: str) -> str:
    """:func:`_w` of a relation of ``rule`` about ``subject``."""
    catalogue = translations()
    words = _RELATION_WORDS.get(catalogue)
    texts = _TEXTS.get(catalogue)
    if words is None:
        words = _RELATION_WORDS[catalogue] = _relation_words()
    if texts is None:
        texts = _texts()
    head = words.get(rule, rule)  # relation_words(rule)
    room = max(16, WIDTH - len(head) - len(body) - 4)
    return texts["head"].format(subject=_short_subject(subject, room), relation=head, body=body)


def equation(
    rule: str,
    subject: str,
    total: str,
    unit: str,
    parts: Sequence[tuple[str, str]],
    named: Names,
    op: str,
    s_sum: str,
    off: str,
    hint: str | None = None,
) -> str:
    """``total op part + part … = sum, off by d``; the parts counted instead when they do not fit.

    ``total``: the total said (:func:`said`); ``parts``: each part's value and unit as written;
    ``named``: their names (:data:`Names`).
    """
    texts = _texts()
    semi = texts["semi"] if off or hint else ""
    tail = semi + off if off else ""
    fits = WIDTH * 3 // 4
    if len(parts) > 1:
        # each part says at least its value: when even so the listing would not fit, it is not
        # built to be measured (the body only grows with the parts' names, units and the hint)
        least = len(total) + len(op) + len(s_sum) + len(unit) + len(tail) + 3 * len(parts) + 3
        if least + sum([len(value) for value, _u in parts]) > fits:
            return _counted(rule, subject, (total, unit, op, s_sum), len(parts), tail, semi, hint, texts)
    names = distinct(named() if callable(named) else named)
    if len(parts) == 1:
        value, u = parts[0]
        terms = said(names[0], value, u)
        listed = terms if u == unit else f"{terms} = {s_sum} {unit}"
    else:
        terms = " + ".join([said(n, value, u, unit) for (value, u), n in zip(parts, names, strict=True)])
        listed = f"{terms} = {s_sum} {unit}"
    body = f"{total} {op} {listed}{tail}"
    if hint and len(body) + len(hint) < WIDTH:
        body += semi + hint
    if len(body) <= fits or len(parts) == 1:
        return worded(rule, subject, body)
    if len(parts) > 1:  # the parts counted: the listed ones do not fit
        return _counted(rule, subject, (total, unit, op, s_sum), len(parts), tail, semi, hint, texts)
    raise AssertionError("unreachable")


def _counted(
    rule: str,
    subject: str,
    said: tuple[str, str, str, str],
    n: int,
    tail: str,
    semi: str,
    hint: str | None,
    texts: dict[str, str],
) -> str:
    """:func:`equation`'s body with its ``n`` parts counted, not listed (``said``: the total said,
    the unit, the operator and the parts' sum)."""
    total, unit, op, s_sum = said
    counted = texts["counted"].format(n=n, sum=s_sum, unit=unit)
    body = f"{total} {op} {counted}{tail}"
    if hint and len(body) + len(hint) < WIDTH:
        body += semi + hint
    return worded(rule, subject, body)


def arithmetic(f: Finding) -> list[str]:
    """The full arithmetic of a finding, one figure a line with its YAML and source lines (``-v``)."""
    if f.total_figure is None:
        return []
    names = part_names_of(f)
    ops = ("=", "×") if f.rule == "unit-cost" else ("=", "+")
    rows = [("", _figure(f.total_figure, _name(f.total_figure), full=True), f.total_figure)]
    rows += [
        (ops[1] if i else ops[0], _figure(p, n, full=True), p)
        for i, (p, n) in enumerate(zip(f.parts, names, strict=True))
    ]
    width = max(display_width(text) for _k, text, _f in rows)
    out = [
        f"    {mark:>1} {text}{' ' * (width - display_width(text))}  {fig.yaml}  {fig.source}"
        for mark, text, fig in rows
    ]
    if f.parts_sum:
        out.append(
            "      "
            + (
                _("product {sum} {unit}; difference {diff}; tolerance ±{tol}")
                if f.rule == "unit-cost"
                else _("parts sum to {sum} {unit}; difference {diff}; tolerance ±{tol}")
            ).format(sum=f.parts_sum, unit=f.unit, diff=f.diff or "0", tol=f.tolerance or "0")
        )
    out.append(f"      {f.subject}")
    if f.hint:
        out.append(f"      {f.hint}")
    return out


def _evaluate_one(rel: Relation, tolerance: Tolerance) -> Finding:
    if rel.kind == "cumulative":
        return _cumulative(rel, tolerance)
    if rel.kind == "product":
        return _product(rel, tolerance)
    raise ValueError(f"unknown relation kind {rel.kind!r}")


def _cumulative(rel: Relation, tolerance: Tolerance) -> Finding:
    """Running totals never decrease, and the last one equals the annual figure."""
    half = tolerance.half_unit_exponent
    figs = (rel.total, *rel.parts)
    terms = [(f.value.coefficient, f.value.exponent + f.unit.pow10, half(f)) for f in figs]
    last = rel.parts[-1]
    single = Relation(
        rel.id,
        rel.rule,
        "sum",
        rel.total,
        (last,),
        rel.subject,
        rel.what,
        rel.document,
        rel.program,
        (),
        rel.location,
        rel.note,
    )  # the last running total against the annual figure, when none falls
    words, falls = cumulative_words(
        rel.rule,
        rel.subject,
        rel.note,
        [(_name(f), f.value.text(), f.unit.text) for f in figs],
        rel.total.unit.pow10,
        terms,
        part_names(single),
    )
    if falls:
        return _finding(rel, *words)
    return _finding(single, *words, names=part_names(single))


def cumulative_words(
    rule: str,
    subject: str,
    note: str | None,
    figures: Sequence[tuple[str, str, str]],
    pow10: int,
    terms: Sequence[Term],
    last_name: tuple[str, ...],
) -> tuple[tuple[Verdict, str, str, str, str], bool]:
    """A running total's verdict, sum, difference, tolerance and message, and whether it falls.

    ``figures``: the annual figure and the running totals, each named, its value and unit as
    written; ``terms`` the same as :data:`Term`; ``pow10``: the annual figure's unit's; ``last_name``:
    the last running total's name (:func:`part_names`). When no running total falls, the
    words are those of the sum "annual figure = last running total" (its only part the last).
    """
    g = min(e for _c, e, _h in terms) - 1
    vals = [c * 10 ** (e - g) for c, e, _h in terms]
    tol = [0 if h is None else 5 * 10 ** (h - g) for _c, _e, h in terms]
    keep = places(pow10, [e for _c, e, _h in terms])
    p = pow10
    for k in range(2, len(vals)):
        drop = vals[k - 1] - vals[k]
        if drop > tol[k - 1] + tol[k]:
            a, b = figures[k - 1], figures[k]
            d = _render(-drop, g - p, keep)
            body = _texts()["falls"].format(a=said(*a), b=said(*b))
            return (Verdict.MISMATCH, _render(vals[-1], g - p, keep), d, "0", worded(rule, subject, body)), True
    total_label, total_value, unit = figures[0]
    diff = vals[0] - vals[-1]
    words = sum_words(
        rule,
        "sum",
        subject,
        (),
        revision_of(rule, note),
        said(total_name(total_label, subject), total_value, unit),
        unit,
        pow10,
        [figures[-1][1:]],
        last_name,
        (vals[0], diff, tol[0] + tol[-1], g, places(pow10, [terms[0][1], terms[-1][1]])),
    )
    return words, False


def _product_terms(rel: Relation, tolerance: Tolerance) -> tuple[int, int, int, int, int] | None:
    """Product, total and allowance as exact integers on the grid ``10**e``, ``e`` and the
    total's exponent ``et``; ``None`` when the factors' dimension is not the total's."""
    return _product_terms_of(rel.total, rel.parts, tolerance)


def _product_terms_of(
    total: Figure, parts: Sequence[Figure], tolerance: Tolerance
) -> tuple[int, int, int, int, int] | None:
    a, b = parts
    pow_a, pow_b = _factor_pows(a.unit, b.unit, total.unit)
    if pow_a is None or pow_b is None:
        return None
    half = tolerance.half_unit_exponent
    return product_on_grid(
        (a.value.coefficient, a.value.exponent + pow_a, half(a)),
        (b.value.coefficient, b.value.exponent + pow_b, half(b)),
        (total.value.coefficient, total.value.exponent + total.unit.pow10, half(total)),
    )


def product_on_grid(a: Term, b: Term, total: Term) -> tuple[int, int, int, int, int]:
    """:func:`_product_terms_of` of figures given as :data:`Term` (the factors' exponents in the
    base units of :func:`_factor_pows`): product, total, allowance, ``e`` and ``et``."""
    # exact integers on the grid 10**e, fine enough for the product and every allowance
    ca, ea, half_a = a
    cb, eb, half_b = b
    ct, et, half_t = total
    e = min(ea + eb - 2, et - 1)
    prod = ca * cb * 10 ** (ea + eb - e)
    tv = ct * 10 ** (et - e)
    has_a, has_b, has_t = half_a is not None, half_b is not None, half_t is not None
    # |Δ(a·b)| ≤ |a|·δb + |b|·δa + δa·δb, with δ = half a unit of the last written digit
    tol_int = (
        (5 * abs(ca) * 10 ** (ea + eb - 1 - e) if has_b else 0)
        + (5 * abs(cb) * 10 ** (ea + eb - 1 - e) if has_a else 0)
        + (25 * 10 ** (ea + eb - 2 - e) if has_a and has_b else 0)
        + (5 * 10 ** (et - 1 - e) if has_t else 0)
    )
    return prod, tv, tol_int, e, et


def _product(rel: Relation, tolerance: Tolerance) -> Finding:
    """amount = price × quantity (or total × share %), with the rounding of all three."""
    total, (a, b) = rel.total, rel.parts
    terms = _product_terms(rel, tolerance)
    if terms is None:
        return _finding(
            rel,
            Verdict.ERROR,
            "",
            "",
            "",
            _w(rel, _("{a} × {b} is not in {total}").format(a=a.unit.text, b=b.unit.text, total=total.unit.text)),
        )
    verdict, s_prod, s_diff, s_tol, message = product_words(
        rel.rule,
        rel.subject,
        (_name(total), total.value.text(), total.unit.text, total.unit.pow10),
        (_name(a), a.value.text(), a.unit.text),
        (_name(b), b.value.text(), b.unit.text),
        terms,
    )
    return _finding(rel, verdict, s_prod, s_diff, s_tol, message)


def product_words(
    rule: str,
    subject: str,
    total: tuple[str, str, str, int],
    a: tuple[str, str, str],
    b: tuple[str, str, str],
    terms: tuple[int, int, int, int, int],
) -> tuple[Verdict, str, str, str, str]:
    """A product's verdict, product, difference, tolerance and message, from words and numbers.

    ``total``: its name, value and unit as written and the unit's power of ten; ``a``, ``b``:
    the factors' names, values and units; ``terms``: :func:`product_on_grid`'s.
    """
    prod, tv, tol_int, e, et = terms
    p = total[3]
    diff = tv - prod
    verdict = _graded(diff, tol_int)
    keep = max(0, -(et - p))
    s_prod = _render(prod, e - p, keep)
    s_diff = _render(diff, e - p, keep)
    s_tol = _render(tol_int, e - p, keep + 1) if tol_int else "0"
    return verdict, s_prod, s_diff, s_tol, product_said(rule, subject, total[:3], a, b, (verdict, s_prod, s_diff))


def product_said(
    rule: str,
    subject: str,
    total: tuple[str, str, str],
    a: tuple[str, str, str],
    b: tuple[str, str, str],
    judged: tuple[Verdict, str, str],
) -> str:
    """:func:`product_words`'s message, from its verdict, product and difference as written (``judged``)."""
    verdict, s_prod, s_diff = judged
    total_label, total_value, unit = total
    name_a, value_a, unit_a = a
    name_b, value_b, unit_b = b
    if _AND in name_a and _AND in name_b:  # distinct: only names that both have parts can share a head
        name_a, name_b = distinct((name_a, name_b))
    head = total_label.split(_AND, 1)[0]  # a factor named as the total's own head says nothing more
    free_a, free_b = unit_free(name_a, unit_a), unit_free(name_b, unit_b)
    # said(name, value, unit) of each factor and of the total, its name left out as said above
    said_a = f"{'' if free_a == head else free_a} {value_a} {unit_a}".strip()
    said_b = f"{'' if free_b == head else free_b} {value_b} {unit_b}".strip()
    said_total = said(total_name(total_label, subject), total_value, unit)
    body = f"{said_total} {_OPS.get(verdict, '≠')} {said_a} × {said_b} = {s_prod} {unit}"
    if verdict is Verdict.MISMATCH:
        texts = _texts()
        body += texts["semi"] + texts["off"].format(diff=s_diff, unit=unit)
    return worded(rule, subject, body)


@cache
def _factor_pows(a: Unit, b: Unit, total: Unit) -> tuple[int, int] | tuple[None, None]:
    """The factors' base-unit powers of ten (:func:`_unit_factor`), ``None`` when their product's
    dimension is not the total's (known once per three units, not per product judged)."""
    unit_a, unit_b = _unit_factor(a), _unit_factor(b)
    if _product_dimension(unit_a, unit_b) != total.dimension:
        return None, None
    return unit_a[1], unit_b[1]


def _unit_factor(unit: Unit) -> tuple[str, int]:
    """A factor's dimension and base-unit power of ten; % is the dimensionless 10**-2."""
    if unit.dimension == "percent":
        return "", unit.pow10 - 2
    return unit.dimension, unit.pow10


def _product_dimension(a: tuple[str, int], b: tuple[str, int]) -> str:
    for x, y in ((a[0], b[0]), (b[0], a[0])):
        if y == "":
            return x
        if "/" in x and x.split("/", 1)[1] == y:
            return x.split("/", 1)[0]
    return f"{a[0]}×{b[0]}"
