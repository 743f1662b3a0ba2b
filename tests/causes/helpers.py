"""Inline budgets for the cause tests: figures in compact text, relations, one diagnose call."""

from __future__ import annotations

from fundaudit.causes._base import Diagnosis
from fundaudit.causes.localise import diagnose
from fundaudit.findings import HOLDS, Relation
from fundaudit.judge import verdict
from fundaudit.model import Figure, Loc
from fundaudit.numbers import parse_number
from fundaudit.tolerance import DEFAULT
from fundaudit.units import parse_unit


def fig(ref: str, text: str, line: int = 1) -> Figure:
    """``fig("t::a:x", "10.5 万元")``: a figure stated on source and YAML line ``line``."""
    number, unit = text.split()
    return Figure(
        ref, ref.rsplit(":", 1)[-1], parse_number(number), parse_unit(unit), Loc("s.txt", line), Loc("d.yaml", line)
    )


def rel(rid: str, total: Figure, *parts: Figure, kind: str = "sum", rule: str = "foot", **kw: object) -> Relation:
    return Relation(rid, rule, kind, total, parts, "subject", "what", "t", "p", **kw)  # type: ignore[arg-type]


def diagnoses(*relations: Relation) -> dict[str, Diagnosis]:
    """Diagnose the failing ones among ``relations``, every relation counted as a use."""
    failing = [r for r in relations if verdict(r) not in HOLDS]
    uses: dict[str, list[Relation]] = {}
    for r in relations:
        for f in (r.total, *r.parts):
            uses.setdefault(f.ref, []).append(r)
    figures = [f for r in relations for f in (r.total, *r.parts)]
    return diagnose(failing, uses, DEFAULT, nearby={"d.yaml": figures}).diagnoses


def top(d: Diagnosis) -> tuple[str, str, str | None]:
    """(cause, culprit ref, likely) of a diagnosis."""
    return d.cause, d.figures[0].figure.ref, d.figures[0].likely
