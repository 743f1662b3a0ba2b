"""Evaluate relations exactly, in one vectorized pass over scaled integers.

The figures of a relation are scaled to one integer grid: ``value × 10**-E`` in the base unit
(元, 人, 亩 …), where ``E`` is one below the finest written digit among them, so each figure
and each half-unit rounding allowance is a whole number. No amount ever passes through float.

This module is the reference: :func:`explain` evaluates one relation in Python integers and
words its finding. :mod:`fundaudit.columnar.numpy_engine` gives the same verdicts to a whole table of
relations in one vectorized pass; the shown findings are then worded here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fundaudit.findings import Finding, Relation, Verdict
from fundaudit.model import Figure
from fundaudit.numbers import format_scaled
from fundaudit.tolerance import DEFAULT, Tolerance


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
    while exp < -keep and n % 10 == 0:
        n //= 10
        exp += 1
    if exp > 0:
        n, exp = n * 10**exp, 0
    return format_scaled(n, exp)


def _places(rel: Relation) -> int:
    """Decimals needed to show the relation's figures in the total's unit."""
    p = rel.total.unit.pow10
    return max(0, *(-(f.value.exponent + f.unit.pow10 - p) for f in (rel.total, *rel.parts)))


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
    if rel.kind not in ("sum", "sum-le"):
        return explain(rel, tolerance).verdict
    problem = _problem(rel)
    if problem is not None:
        return problem.verdict
    _, _, diff, tol = _sum_terms(rel, tolerance)
    return _sum_verdict(rel, diff, tol)


def _sum_verdict(rel: Relation, diff: int, tol: int) -> Verdict:
    """total = Σ parts (``sum``) or total ≥ Σ parts (``sum-le``), within the tolerance ``tol``."""
    if rel.kind == "sum-le":
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
    if rel.empty and rel.kind == "sum" and diff > 0:
        return Verdict.INCOMPLETE  # empty cells may hold what the stated ones lack
    if rel.revision:
        return Verdict.REVISED  # a later document states it differently (a supersedes link)
    return Verdict.MISMATCH


def _problem(rel: Relation) -> Finding | None:
    if rel.missing:
        return _finding(
            rel,
            Verdict.INCOMPLETE,
            "",
            "",
            "",
            f"{rel.subject}: {rel.what}: cannot check, not stated: {', '.join(rel.missing)}",
        )
    if rel.kind == "product":
        return None
    dims = {f.unit.dimension for f in (rel.total, *rel.parts)}
    if len(dims) > 1:
        units = ", ".join(sorted({f"{f.unit.text} ({f.unit.dimension})" for f in (rel.total, *rel.parts)}))
        return _finding(rel, Verdict.ERROR, "", "", "", f"{rel.subject}: {rel.what}: mixes dimensions: {units}")
    return None


def _finding(
    rel: Relation,
    verdict: Verdict,
    parts_sum: str,
    diff: str,
    tol: str,
    message: str,
    hint: str | None = None,
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
    figs = (rel.total, *rel.parts)
    grid = _grid(figs)
    total = grid.scaled(rel.total)
    diff = total - sum(grid.scaled(p) for p in rel.parts)
    return grid, total, diff, sum(grid.allowance(f, tolerance) for f in figs)


def _sum_finding(rel: Relation, total: int, diff: int, tol: int, exp: int, tolerance: Tolerance) -> Finding:
    p = rel.total.unit.pow10
    keep = _places(rel)
    parts_sum = total - diff
    verdict = _sum_verdict(rel, diff, tol)
    s_sum = _render(parts_sum, exp - p, keep)
    s_diff = _render(diff, exp - p, keep)
    s_tol = _render(tol, exp - p, keep + 1) if tol else "0"
    unit = rel.total.unit.text
    if verdict is Verdict.INCOMPLETE:
        return _finding(
            rel,
            Verdict.INCOMPLETE,
            s_sum,
            s_diff,
            s_tol,
            f"{rel.subject}: {rel.what}: {rel.total.label} {rel.total.text}, stated cells sum to "
            f"{s_sum} {unit}, {s_diff} short; empty cells may hold the rest: {', '.join(rel.empty)}",
        )
    relation = "≥" if rel.kind == "sum-le" else "="
    words = {
        Verdict.MATCH: "holds",
        Verdict.WITHIN: "holds (partial list within its total)",
        Verdict.ROUNDING: f"holds within rounding (difference {s_diff}, tolerance ±{s_tol})",
        Verdict.MISMATCH: f"does not hold: difference {s_diff} {unit} exceeds tolerance ±{s_tol}",
        Verdict.REVISED: f"revised by {rel.revision}: difference {s_diff} {unit}",
    }[verdict]
    parts = " + ".join(f"{f.label} {f.text}" for f in rel.parts)
    message = (
        f"{rel.subject}: {rel.what}: {rel.total.label} {rel.total.text} {relation} {parts} = {s_sum} {unit}; {words}"
    )
    if verdict is Verdict.MISMATCH:
        message += f"; {_lines(rel)}"
    if rel.empty:
        message += f"; empty cells read as nothing: {', '.join(rel.empty)}"
    if rel.kind == "sum-le" and verdict is Verdict.WITHIN:
        message += f"; the stated parts leave {s_diff} {unit} uncovered"
    return _finding(rel, verdict, s_sum, s_diff, s_tol, message)


def _lines(rel: Relation) -> str:
    """Where each figure of a failing relation stands, so the broken one can be found."""
    files = {f.yaml.file for f in (rel.total, *rel.parts)}
    yaml_lines = " + ".join(str(f.yaml.line) for f in rel.parts)
    src_lines = " + ".join(str(f.source.line) for f in rel.parts)
    where = f"{files.pop()} lines" if len(files) == 1 else "YAML lines"
    return f"{where} {rel.total.yaml.line} vs {yaml_lines} (source lines {rel.total.source.line} vs {src_lines})"


def _evaluate_one(rel: Relation, tolerance: Tolerance) -> Finding:
    if rel.kind == "cumulative":
        return _cumulative(rel, tolerance)
    if rel.kind == "product":
        return _product(rel, tolerance)
    raise ValueError(f"unknown relation kind {rel.kind!r}")


def _cumulative(rel: Relation, tolerance: Tolerance) -> Finding:
    """Running totals never decrease, and the last one equals the annual figure."""
    figs = (rel.total, *rel.parts)
    grid = _grid(figs)
    tol = [grid.allowance(f, tolerance) for f in figs]
    vals = [grid.scaled(f) for f in figs]
    keep = _places(rel)
    p = rel.total.unit.pow10
    for k in range(2, len(vals)):
        drop = vals[k - 1] - vals[k]
        if drop > tol[k - 1] + tol[k]:
            a, b = rel.parts[k - 2], rel.parts[k - 1]
            d = _render(-drop, grid.exp - p, keep)
            return _finding(
                rel,
                Verdict.MISMATCH,
                _render(vals[-1], grid.exp - p, keep),
                d,
                "0",
                f"{rel.subject}: {rel.what}: cumulative schedule decreases from {a.label} {a.text} "
                f"to {b.label} {b.text}",
            )
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
    )
    diff = vals[0] - vals[-1]
    return _sum_finding(single, vals[0], diff, tol[0] + tol[-1], grid.exp, tolerance)


def _product(rel: Relation, tolerance: Tolerance) -> Finding:
    """amount = price × quantity (or total × share %), with the rounding of all three."""
    total, (a, b) = rel.total, rel.parts
    unit_a, unit_b = _factor_unit(a), _factor_unit(b)
    dim = _product_dimension(unit_a, unit_b)
    if dim != total.unit.dimension:
        return _finding(
            rel,
            Verdict.ERROR,
            "",
            "",
            "",
            f"{rel.subject}: {rel.what}: {a.unit.text} × {b.unit.text} is not in {total.unit.text}",
        )
    # exact integers on the grid 10**e, fine enough for the product and every allowance
    ea = a.value.exponent + unit_a[1]
    eb = b.value.exponent + unit_b[1]
    et = total.value.exponent + total.unit.pow10
    e = min(ea + eb - 2, et - 1)
    ca, cb = a.value.coefficient, b.value.coefficient
    prod = ca * cb * 10 ** (ea + eb - e)
    tv = total.value.coefficient * 10 ** (et - e)
    has_a = tolerance.half_unit_exponent(a) is not None
    has_b = tolerance.half_unit_exponent(b) is not None
    has_t = tolerance.half_unit_exponent(total) is not None
    # |Δ(a·b)| ≤ |a|·δb + |b|·δa + δa·δb, with δ = half a unit of the last written digit
    tol_int = (
        (5 * abs(ca) * 10 ** (ea + eb - 1 - e) if has_b else 0)
        + (5 * abs(cb) * 10 ** (ea + eb - 1 - e) if has_a else 0)
        + (25 * 10 ** (ea + eb - 2 - e) if has_a and has_b else 0)
        + (5 * 10 ** (et - 1 - e) if has_t else 0)
    )
    diff = tv - prod
    verdict = Verdict.MATCH if diff == 0 else Verdict.ROUNDING if abs(diff) <= tol_int else Verdict.MISMATCH
    p = total.unit.pow10
    keep = max(0, -(et - p))
    s_prod = _render(prod, e - p, keep)
    s_diff = _render(diff, e - p, keep)
    s_tol = _render(tol_int, e - p, keep + 1) if tol_int else "0"
    word = {
        Verdict.MATCH: "holds",
        Verdict.ROUNDING: "holds within rounding",
        Verdict.MISMATCH: f"does not hold: difference {s_diff} {total.unit.text}",
    }[verdict]
    return _finding(
        rel,
        verdict,
        s_prod,
        s_diff,
        s_tol,
        f"{rel.subject}: {rel.what}: {total.label} {total.text} vs {a.label} {a.text} × {b.label} {b.text}"
        f" = {s_prod} {total.unit.text}; {word}",
    )


def _factor_unit(f: Figure) -> tuple[str, int]:
    """A factor's dimension and base-unit power of ten; % is the dimensionless 10**-2."""
    if f.unit.dimension == "percent":
        return "", f.unit.pow10 - 2
    return f.unit.dimension, f.unit.pow10


def _product_dimension(a: tuple[str, int], b: tuple[str, int]) -> str:
    for x, y in ((a[0], b[0]), (b[0], a[0])):
        if y == "":
            return x
        if "/" in x and x.split("/", 1)[1] == y:
            return x.split("/", 1)[0]
    return f"{a[0]}×{b[0]}"
